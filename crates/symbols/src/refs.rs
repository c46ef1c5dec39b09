//! Identifier references: every identifier-like leaf outside comments and
//! strings, except the declaring ones. A string's interpolations (`${x}`,
//! f-strings) are skipped with the string: a reference missed there is a
//! false negative, never a false alarm.

use std::collections::HashSet;

use tree_sitter::Node;

use crate::model::Reference;

const IDENTS: &[&str] = &[
    "identifier",
    "type_identifier",
    "property_identifier",
    "shorthand_property_identifier",
    "field_identifier",
    "package_identifier",
];

fn skipped(kind: &str) -> bool {
    kind.contains("comment") || kind.contains("string") || kind == "char_literal"
}

pub(crate) fn collect(src: &[u8], root: Node, declaring: &HashSet<usize>) -> Vec<Reference> {
    let mut out = Vec::new();
    // Iterative: a deeply nested fuzz input must not overflow the stack.
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        let kind = node.kind();
        if skipped(kind) {
            continue;
        }
        if IDENTS.contains(&kind) && !node.is_missing() && !declaring.contains(&node.start_byte()) {
            let name = String::from_utf8_lossy(&src[node.byte_range()]).into_owned();
            out.push(Reference {
                name,
                line: line(node),
            });
            continue;
        }
        let mut cursor = node.walk();
        let children: Vec<Node> = node.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    out
}

/// The 1-based line a node starts on.
pub(crate) fn line(node: Node) -> u32 {
    u32::try_from(node.start_position().row).map_or(u32::MAX, |r| r.saturating_add(1))
}
