//! The state one extraction carries: the source, what was found so far, and
//! the byte offsets of declaring identifiers (which are not references).

use std::collections::HashSet;

use tree_sitter::Node;

use crate::model::{Declaration, FileSymbols, Import, Kind};
pub(crate) use crate::refs::line;

pub(crate) struct Ctx<'s> {
    pub(crate) src: &'s [u8],
    pub(crate) out: FileSymbols,
    declaring: HashSet<usize>,
}

impl<'s> Ctx<'s> {
    pub(crate) fn new(src: &'s [u8]) -> Self {
        Ctx {
            src,
            out: FileSymbols::default(),
            declaring: HashSet::new(),
        }
    }

    /// A node's text; invalid UTF-8 is replaced, never a panic.
    pub(crate) fn text(&self, node: Node) -> String {
        String::from_utf8_lossy(&self.src[node.byte_range()]).into_owned()
    }

    /// Marks `node` as a declaring identifier and returns its text.
    pub(crate) fn name(&mut self, node: Node) -> String {
        self.declaring.insert(node.start_byte());
        self.text(node)
    }

    /// A declaration named by `name_node`, without params or fields yet.
    pub(crate) fn decl(&mut self, kind: Kind, name_node: Node, exported: bool) -> Declaration {
        Declaration {
            kind,
            name: self.name(name_node),
            exported,
            line: line(name_node),
            params: Vec::new(),
            fields: Vec::new(),
            parent: None,
        }
    }

    pub(crate) fn import(&mut self, bound_node: Node, module: String) {
        let bound = self.name(bound_node);
        self.out.imports.push(Import {
            bound,
            module,
            line: line(bound_node),
        });
    }

    pub(crate) fn finish(mut self, root: Node) -> FileSymbols {
        self.out.references = crate::refs::collect(self.src, root, &self.declaring);
        self.out
    }
}

/// The named children of a node, collected (tree-sitter's iterator borrows a cursor).
pub(crate) fn named_children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}

/// The children of a node under one field name.
pub(crate) fn field_children<'t>(node: Node<'t>, field: &str) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.children_by_field_name(field, &mut cursor).collect()
}
