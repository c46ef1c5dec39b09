//! Python: exported means a module-level name without a leading `_` (a
//! method: its own name and its class's). UPPER_CASE module assignments are
//! constants; annotated class attributes are a class's fields.

use tree_sitter::Node;

use crate::ctx::{field_children, named_children, Ctx};
use crate::model::{Field, Kind, Param};

fn public(name: &str) -> bool {
    !name.starts_with('_')
}

/// A decorated definition is its definition.
fn undecorated(node: Node) -> Node {
    if node.kind() == "decorated_definition" {
        node.child_by_field_name("definition").unwrap_or(node)
    } else {
        node
    }
}

pub(crate) fn module(cx: &mut Ctx, root: Node) {
    for child in named_children(root) {
        let child = undecorated(child);
        match child.kind() {
            "function_definition" => function(cx, child, Kind::Function, None, true),
            "class_definition" => class(cx, child),
            "import_statement" | "import_from_statement" => import(cx, child),
            "expression_statement" => constant(cx, child),
            _ => {}
        }
    }
}

fn function(
    cx: &mut Ctx,
    node: Node,
    kind: Kind,
    parent: Option<(&str, bool)>,
    outer_public: bool,
) {
    let Some(name) = node.child_by_field_name("name") else {
        return;
    };
    let exported = outer_public && public(&cx.text(name));
    let mut d = cx.decl(kind, name, exported);
    d.parent = parent.map(|(p, _)| p.to_owned());
    if let Some(params) = node.child_by_field_name("parameters") {
        d.params = parameters(cx, params);
    }
    cx.out.declarations.push(d);
}

fn class(cx: &mut Ctx, node: Node) {
    let Some(name) = node.child_by_field_name("name") else {
        return;
    };
    let exported = public(&cx.text(name));
    let mut d = cx.decl(Kind::Class, name, exported);
    let class_name = d.name.clone();
    let mut methods = Vec::new();
    if let Some(body) = node.child_by_field_name("body") {
        for member in named_children(body) {
            let member = undecorated(member);
            match member.kind() {
                "function_definition" => methods.push(member),
                "expression_statement" => {
                    if let Some(f) = annotated_attribute(cx, member) {
                        d.fields.push(f);
                    }
                }
                _ => {}
            }
        }
    }
    cx.out.declarations.push(d);
    for m in methods {
        function(cx, m, Kind::Method, Some((&class_name, exported)), exported);
    }
}

/// `x: int` or `x: int = 0` in a class body.
fn annotated_attribute(cx: &mut Ctx, stmt: Node) -> Option<Field> {
    let assign = stmt.named_child(0).filter(|a| a.kind() == "assignment")?;
    let ty = assign.child_by_field_name("type")?;
    let left = assign
        .child_by_field_name("left")
        .filter(|l| l.kind() == "identifier")?;
    Some(Field {
        name: cx.name(left),
        type_text: Some(cx.text(ty)),
        fields: Vec::new(),
    })
}

/// `MAX_SIZE = 10` at module level.
fn constant(cx: &mut Ctx, stmt: Node) {
    let Some(assign) = stmt.named_child(0).filter(|a| a.kind() == "assignment") else {
        return;
    };
    let Some(left) = assign
        .child_by_field_name("left")
        .filter(|l| l.kind() == "identifier")
    else {
        return;
    };
    let text = cx.text(left);
    let upper = text.chars().any(|c| c.is_ascii_uppercase())
        && text
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if upper {
        let d = cx.decl(Kind::Const, left, public(&text));
        cx.out.declarations.push(d);
    }
}

fn parameters(cx: &mut Ctx, node: Node) -> Vec<Param> {
    let mut out = Vec::new();
    for p in named_children(node) {
        let (name, ty, default) = match p.kind() {
            "identifier" => (Some(p), None, false),
            "typed_parameter" => (p.named_child(0), p.child_by_field_name("type"), false),
            "default_parameter" | "typed_default_parameter" => (
                p.child_by_field_name("name"),
                p.child_by_field_name("type"),
                true,
            ),
            "list_splat_pattern" | "dictionary_splat_pattern" => (Some(p), None, false),
            _ => continue,
        };
        let Some(name) = name else { continue };
        // `*args: int` is a typed_parameter around a splat: keep its stars.
        let name = match name.named_child(0) {
            Some(inner) if name.kind() != "identifier" && inner.kind() == "identifier" => {
                cx.name(inner);
                cx.text(name)
            }
            _ if name.kind() == "identifier" => cx.name(name),
            _ => cx.text(name),
        };
        let type_text = ty.map(|t| cx.text(t));
        out.push(Param {
            name,
            optional: false,
            default,
            type_text,
        });
    }
    out
}

fn import(cx: &mut Ctx, node: Node) {
    let from = node.child_by_field_name("module_name").map(|m| cx.text(m));
    for item in field_children(node, "name") {
        let (target, alias) = match item.kind() {
            "aliased_import" => (
                item.child_by_field_name("name"),
                item.child_by_field_name("alias"),
            ),
            _ => (Some(item), None),
        };
        let Some(target) = target else { continue };
        let target_text = cx.text(target);
        match (&from, alias) {
            (_, Some(alias)) => {
                let module = from.clone().unwrap_or_else(|| target_text.clone());
                cx.import(alias, module);
            }
            // `from m import a`: binds `a`, the last (only) part.
            (Some(m), None) => {
                let last = named_children(target).into_iter().last().unwrap_or(target);
                cx.import(last, m.clone());
            }
            // `import os.path` binds `os`.
            (None, None) => {
                let first = target.named_child(0).unwrap_or(target);
                cx.import(first, target_text);
            }
        }
    }
}
