//! Go: exported means a capitalised name. Methods carry their receiver's
//! type as parent; structs give fields, interfaces their method names.

use tree_sitter::Node;

use crate::ctx::{field_children, named_children, Ctx};
use crate::model::{Field, Kind, Param};

fn capitalised(name: &str) -> bool {
    name.chars().next().is_some_and(char::is_uppercase)
}

pub(crate) fn module(cx: &mut Ctx, root: Node) {
    for child in named_children(root) {
        match child.kind() {
            "function_declaration" => function(cx, child, Kind::Function, None),
            "method_declaration" => {
                let parent = child
                    .child_by_field_name("receiver")
                    .and_then(|r| receiver_type(cx, r));
                function(cx, child, Kind::Method, parent);
            }
            "type_declaration" => {
                for spec in named_children(child) {
                    type_spec(cx, spec);
                }
            }
            "const_declaration" => {
                for spec in named_children(child)
                    .into_iter()
                    .filter(|s| s.kind() == "const_spec")
                {
                    for name in field_children(spec, "name") {
                        let exported = capitalised(&cx.text(name));
                        let d = cx.decl(Kind::Const, name, exported);
                        cx.out.declarations.push(d);
                    }
                }
            }
            "import_declaration" => imports(cx, child),
            // The file's own package name declares, it does not refer.
            "package_clause" => {
                if let Some(n) = child.named_child(0) {
                    cx.name(n);
                }
            }
            _ => {}
        }
    }
}

/// The first type name inside a receiver: `(s *Server)` → `Server`.
fn receiver_type(cx: &Ctx, receiver: Node) -> Option<String> {
    let mut stack = vec![receiver.child_by_field_name("type").unwrap_or(receiver)];
    while let Some(n) = stack.pop() {
        if n.kind() == "type_identifier" {
            return Some(cx.text(n));
        }
        let mut kids = named_children(n);
        // The receiver's own name is an identifier, not a type: skip it.
        kids.retain(|k| k.kind() != "identifier");
        stack.extend(kids.into_iter().rev());
    }
    None
}

fn function(cx: &mut Ctx, node: Node, kind: Kind, parent: Option<String>) {
    let Some(name) = node.child_by_field_name("name") else {
        return;
    };
    let exported = capitalised(&cx.text(name));
    let mut d = cx.decl(kind, name, exported);
    d.parent = parent;
    if let Some(params) = node.child_by_field_name("parameters") {
        d.params = parameters(cx, params);
    }
    cx.out.declarations.push(d);
}

/// `a, b int` is two parameters of one type; `int` alone is one unnamed.
fn parameters(cx: &mut Ctx, node: Node) -> Vec<Param> {
    let mut out = Vec::new();
    for p in named_children(node) {
        if !matches!(
            p.kind(),
            "parameter_declaration" | "variadic_parameter_declaration"
        ) {
            continue;
        }
        let ty = p.child_by_field_name("type").map(|t| cx.text(t));
        let ty = if p.kind() == "variadic_parameter_declaration" {
            ty.map(|t| format!("...{t}"))
        } else {
            ty
        };
        let names = field_children(p, "name");
        if names.is_empty() {
            out.push(Param {
                name: String::new(),
                optional: false,
                default: false,
                type_text: ty,
            });
            continue;
        }
        for n in names {
            let name = cx.name(n);
            out.push(Param {
                name,
                optional: false,
                default: false,
                type_text: ty.clone(),
            });
        }
    }
    out
}

fn type_spec(cx: &mut Ctx, spec: Node) {
    if !matches!(spec.kind(), "type_spec" | "type_alias") {
        return;
    }
    let Some(name) = spec.child_by_field_name("name") else {
        return;
    };
    let ty = spec.child_by_field_name("type");
    let kind = match ty.map(|t| t.kind()) {
        Some("struct_type") => Kind::Struct,
        Some("interface_type") => Kind::Interface,
        _ => Kind::TypeAlias,
    };
    let exported = capitalised(&cx.text(name));
    let mut d = cx.decl(kind, name, exported);
    if let Some(ty) = ty {
        d.fields = shape(cx, ty);
    }
    cx.out.declarations.push(d);
}

fn shape(cx: &mut Ctx, ty: Node) -> Vec<Field> {
    match ty.kind() {
        "struct_type" => named_children(ty)
            .into_iter()
            .filter(|l| l.kind() == "field_declaration_list")
            .flat_map(named_children)
            .filter(|f| f.kind() == "field_declaration")
            .flat_map(|f| struct_field(cx, f))
            .collect(),
        "interface_type" => named_children(ty)
            .into_iter()
            .filter(|m| m.kind() == "method_elem")
            .filter_map(|m| m.child_by_field_name("name"))
            .map(|n| Field {
                name: cx.name(n),
                type_text: None,
                fields: Vec::new(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// `A, B int`, an embedded `Base`, or a nested `struct { … }`.
fn struct_field(cx: &mut Ctx, f: Node) -> Vec<Field> {
    let ty = f.child_by_field_name("type");
    let nested = ty
        .filter(|t| t.kind() == "struct_type")
        .map(|t| shape(cx, t));
    let type_text = if nested.is_some() {
        None
    } else {
        ty.map(|t| cx.text(t))
    };
    let names = field_children(f, "name");
    if names.is_empty() {
        // Embedded: the field is named for its type.
        let name = type_text.clone().unwrap_or_default();
        return vec![Field {
            name,
            type_text,
            fields: Vec::new(),
        }];
    }
    names
        .into_iter()
        .map(|n| Field {
            name: cx.name(n),
            type_text: type_text.clone(),
            fields: nested.clone().unwrap_or_default(),
        })
        .collect()
}

fn imports(cx: &mut Ctx, decl: Node) {
    let mut specs = Vec::new();
    for c in named_children(decl) {
        match c.kind() {
            "import_spec" => specs.push(c),
            "import_spec_list" => specs.extend(
                named_children(c)
                    .into_iter()
                    .filter(|s| s.kind() == "import_spec"),
            ),
            _ => {}
        }
    }
    for spec in specs {
        let Some(path) = spec.child_by_field_name("path") else {
            continue;
        };
        let module = cx
            .text(path)
            .trim_matches(|c| c == '"' || c == '`')
            .to_owned();
        match spec.child_by_field_name("name") {
            // `_` and `.` bind no usable name.
            Some(n) if n.kind() == "package_identifier" => cx.import(n, module),
            Some(_) => {}
            None => {
                let bound = module.rsplit('/').next().unwrap_or(&module).to_owned();
                let line = crate::ctx::line(path);
                cx.out.imports.push(crate::model::Import {
                    bound,
                    module,
                    line,
                });
            }
        }
    }
}
