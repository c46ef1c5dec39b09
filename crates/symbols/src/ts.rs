//! TypeScript, TSX and JavaScript: one walker, the grammars share node kinds.
//! Exported means under `export` or named in an `export { … }` clause.

use tree_sitter::Node;

use crate::ctx::{named_children, Ctx};
use crate::model::{Field, Kind, Param};

pub(crate) fn module(cx: &mut Ctx, root: Node) {
    let mut listed = Vec::new();
    for child in named_children(root) {
        match child.kind() {
            "export_statement" => export(cx, child, &mut listed),
            "import_statement" => import(cx, child),
            _ => declaration(cx, child, false),
        }
    }
    // `export { a, b as c }` exports declarations made elsewhere in the file.
    for d in &mut cx.out.declarations {
        if d.parent.is_none() && listed.contains(&d.name) {
            d.exported = true;
        }
    }
}

fn export(cx: &mut Ctx, node: Node, listed: &mut Vec<String>) {
    if let Some(decl) = node.child_by_field_name("declaration") {
        return declaration(cx, decl, true);
    }
    for clause in named_children(node)
        .into_iter()
        .filter(|c| c.kind() == "export_clause")
    {
        for spec in named_children(clause) {
            if let Some(name) = spec.child_by_field_name("name") {
                listed.push(cx.text(name));
            }
        }
    }
}

fn declaration(cx: &mut Ctx, node: Node, exported: bool) {
    let Some(name) = node.child_by_field_name("name") else {
        if matches!(node.kind(), "lexical_declaration" | "variable_declaration") {
            consts(cx, node, exported);
        }
        return;
    };
    let kind = match node.kind() {
        "function_declaration" | "generator_function_declaration" | "function_signature" => {
            Kind::Function
        }
        "class_declaration" | "abstract_class_declaration" => {
            return class(cx, node, name, exported)
        }
        "interface_declaration" => Kind::Interface,
        "type_alias_declaration" => Kind::TypeAlias,
        "enum_declaration" => Kind::Enum,
        _ => return,
    };
    let mut d = cx.decl(kind, name, exported);
    if let Some(params) = node.child_by_field_name("parameters") {
        d.params = parameters(cx, params);
    }
    let shape = node
        .child_by_field_name("body")
        .or_else(|| node.child_by_field_name("value"));
    if let Some(shape) = shape.filter(|s| matches!(s.kind(), "object_type" | "interface_body")) {
        d.fields = object_fields(cx, shape);
    }
    cx.out.declarations.push(d);
}

/// `const a = 1, f = () => …`: constants, or functions when the value is one.
/// `let` and `var` are not commitments anyone writes; they are skipped.
fn consts(cx: &mut Ctx, node: Node, exported: bool) {
    let is_const = node.child(0).is_some_and(|k| k.kind() == "const");
    if !is_const {
        return;
    }
    for declarator in named_children(node)
        .into_iter()
        .filter(|c| c.kind() == "variable_declarator")
    {
        let Some(name) = declarator
            .child_by_field_name("name")
            .filter(|n| n.kind() == "identifier")
        else {
            continue;
        };
        let value = declarator.child_by_field_name("value");
        let func = value.filter(|v| {
            matches!(
                v.kind(),
                "arrow_function" | "function_expression" | "function"
            )
        });
        let mut d = cx.decl(
            if func.is_some() {
                Kind::Function
            } else {
                Kind::Const
            },
            name,
            exported,
        );
        if let Some(f) = func {
            if let Some(params) = f.child_by_field_name("parameters") {
                d.params = parameters(cx, params);
            } else if let Some(p) = f.child_by_field_name("parameter") {
                d.params = vec![plain_param(cx, p)];
            }
        }
        cx.out.declarations.push(d);
    }
}

fn class(cx: &mut Ctx, node: Node, name: Node, exported: bool) {
    let mut d = cx.decl(Kind::Class, name, exported);
    let mut methods = Vec::new();
    if let Some(body) = node.child_by_field_name("body") {
        for member in named_children(body) {
            let Some(mname) = member.child_by_field_name("name") else {
                continue;
            };
            match member.kind() {
                "method_definition" | "method_signature" | "abstract_method_signature" => {
                    let mut m = cx.decl(Kind::Method, mname, exported);
                    m.parent = Some(d.name.clone());
                    if let Some(params) = member.child_by_field_name("parameters") {
                        m.params = parameters(cx, params);
                    }
                    methods.push(m);
                }
                "public_field_definition" | "field_definition" => {
                    let field_name = cx.name(mname);
                    d.fields.push(typed_field(
                        cx,
                        field_name,
                        member.child_by_field_name("type"),
                    ));
                }
                _ => {}
            }
        }
    }
    cx.out.declarations.push(d);
    cx.out.declarations.extend(methods);
}

fn parameters(cx: &mut Ctx, node: Node) -> Vec<Param> {
    named_children(node)
        .into_iter()
        .filter(|p| !p.kind().contains("comment") && p.kind() != "decorator")
        .map(|p| match p.kind() {
            "required_parameter" | "optional_parameter" => {
                let pattern = p.child_by_field_name("pattern").unwrap_or(p);
                Param {
                    name: param_name(cx, pattern),
                    optional: p.kind() == "optional_parameter",
                    default: p.child_by_field_name("value").is_some(),
                    type_text: p
                        .child_by_field_name("type")
                        .and_then(|t| annotation(cx, t)),
                }
            }
            "assignment_pattern" => {
                let left = p.child_by_field_name("left").unwrap_or(p);
                Param {
                    default: true,
                    ..plain_param(cx, left)
                }
            }
            _ => plain_param(cx, p),
        })
        .collect()
}

fn plain_param(cx: &mut Ctx, node: Node) -> Param {
    Param {
        name: param_name(cx, node),
        optional: false,
        default: false,
        type_text: None,
    }
}

fn param_name(cx: &mut Ctx, node: Node) -> String {
    if node.kind() == "identifier" {
        cx.name(node)
    } else {
        cx.text(node)
    }
}

/// The type inside a `: T` annotation, as written.
fn annotation(cx: &Ctx, node: Node) -> Option<String> {
    let inner = if node.kind() == "type_annotation" {
        node.named_child(0)?
    } else {
        node
    };
    Some(cx.text(inner))
}

fn object_fields(cx: &mut Ctx, node: Node) -> Vec<Field> {
    let mut fields = Vec::new();
    for member in named_children(node) {
        if !matches!(member.kind(), "property_signature" | "method_signature") {
            continue;
        }
        let Some(name) = member.child_by_field_name("name") else {
            continue;
        };
        let name = cx.name(name);
        fields.push(typed_field(cx, name, member.child_by_field_name("type")));
    }
    fields
}

fn typed_field(cx: &mut Ctx, name: String, ty: Option<Node>) -> Field {
    let inner = ty.and_then(|t| {
        if t.kind() == "type_annotation" {
            t.named_child(0)
        } else {
            Some(t)
        }
    });
    match inner {
        Some(obj) if obj.kind() == "object_type" => Field {
            name,
            type_text: None,
            fields: object_fields(cx, obj),
        },
        Some(t) => Field {
            name,
            type_text: Some(cx.text(t)),
            fields: Vec::new(),
        },
        None => Field {
            name,
            type_text: None,
            fields: Vec::new(),
        },
    }
}

fn import(cx: &mut Ctx, node: Node) {
    let Some(source) = node.child_by_field_name("source") else {
        return;
    };
    let module = cx
        .text(source)
        .trim_matches(|c| c == '"' || c == '\'' || c == '`')
        .to_owned();
    for clause in named_children(node)
        .into_iter()
        .filter(|c| c.kind() == "import_clause")
    {
        for part in named_children(clause) {
            match part.kind() {
                "identifier" => cx.import(part, module.clone()),
                "namespace_import" => {
                    if let Some(id) = named_children(part)
                        .into_iter()
                        .find(|n| n.kind() == "identifier")
                    {
                        cx.import(id, module.clone());
                    }
                }
                "named_imports" => {
                    for spec in named_children(part)
                        .into_iter()
                        .filter(|s| s.kind() == "import_specifier")
                    {
                        let bound = spec
                            .child_by_field_name("alias")
                            .or_else(|| spec.child_by_field_name("name"));
                        if let Some(b) = bound {
                            cx.import(b, module.clone());
                        }
                    }
                }
                _ => {}
            }
        }
    }
}
