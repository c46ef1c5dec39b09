//! Rust: exported means `pub` (any `pub(…)` too); the methods of a trait,
//! or of a trait impl, are as visible as the trait. Use trees are flattened
//! to one import per bound name.

use tree_sitter::Node;

use crate::ctx::{named_children, Ctx};
use crate::model::{Field, Kind, Param};

fn is_pub(node: Node) -> bool {
    named_children(node)
        .iter()
        .any(|c| c.kind() == "visibility_modifier")
}

pub(crate) fn module(cx: &mut Ctx, root: Node) {
    for item in named_children(root) {
        let exported = is_pub(item);
        let kind = match item.kind() {
            "function_item" | "function_signature_item" => Kind::Function,
            "struct_item" | "union_item" => Kind::Struct,
            "enum_item" => Kind::Enum,
            "trait_item" => Kind::Trait,
            "type_item" => Kind::TypeAlias,
            "const_item" | "static_item" => Kind::Const,
            "impl_item" => {
                impl_block(cx, item);
                continue;
            }
            "use_declaration" => {
                if let Some(arg) = item.child_by_field_name("argument") {
                    use_tree(cx, arg, "");
                }
                continue;
            }
            _ => continue,
        };
        let Some(name) = item.child_by_field_name("name") else {
            continue;
        };
        let mut d = cx.decl(kind, name, exported);
        if let Some(params) = item.child_by_field_name("parameters") {
            d.params = parameters(cx, params);
        }
        if let Some(body) = item.child_by_field_name("body") {
            if body.kind() == "field_declaration_list" {
                d.fields = fields(cx, body);
            }
        }
        let trait_name = d.name.clone();
        cx.out.declarations.push(d);
        if kind == Kind::Trait {
            if let Some(body) = item.child_by_field_name("body") {
                methods(cx, body, &trait_name, Some(exported));
            }
        }
    }
}

fn impl_block(cx: &mut Ctx, item: Node) {
    let Some(ty) = item.child_by_field_name("type") else {
        return;
    };
    // `impl<T> Store<T>` belongs to `Store`.
    let target = ty.child_by_field_name("type").unwrap_or(ty);
    let parent = cx.text(target);
    let in_trait_impl = item.child_by_field_name("trait").is_some();
    if let Some(body) = item.child_by_field_name("body") {
        methods(cx, body, &parent, in_trait_impl.then_some(true));
    }
}

/// The functions of an impl or trait body; `visible` overrides `pub`.
fn methods(cx: &mut Ctx, body: Node, parent: &str, visible: Option<bool>) {
    for f in named_children(body) {
        if !matches!(f.kind(), "function_item" | "function_signature_item") {
            continue;
        }
        let Some(name) = f.child_by_field_name("name") else {
            continue;
        };
        let exported = visible.unwrap_or_else(|| is_pub(f));
        let mut d = cx.decl(Kind::Method, name, exported);
        d.parent = Some(parent.to_owned());
        if let Some(params) = f.child_by_field_name("parameters") {
            d.params = parameters(cx, params);
        }
        cx.out.declarations.push(d);
    }
}

fn parameters(cx: &mut Ctx, node: Node) -> Vec<Param> {
    let mut out = Vec::new();
    for p in named_children(node) {
        let (name, type_text) = match p.kind() {
            "parameter" => {
                let pattern = p.child_by_field_name("pattern");
                let name = match pattern {
                    Some(n) if n.kind() == "identifier" => cx.name(n),
                    Some(n) => cx.text(n),
                    None => String::new(),
                };
                (name, p.child_by_field_name("type").map(|t| cx.text(t)))
            }
            "self_parameter" => ("self".to_owned(), Some(cx.text(p))),
            "variadic_parameter" => ("...".to_owned(), None),
            _ => continue,
        };
        out.push(Param {
            name,
            optional: false,
            default: false,
            type_text,
        });
    }
    out
}

fn fields(cx: &mut Ctx, list: Node) -> Vec<Field> {
    named_children(list)
        .into_iter()
        .filter(|f| f.kind() == "field_declaration")
        .filter_map(|f| {
            let name = f.child_by_field_name("name")?;
            Some(Field {
                name: cx.name(name),
                type_text: f.child_by_field_name("type").map(|t| cx.text(t)),
                fields: Vec::new(),
            })
        })
        .collect()
}

fn join(prefix: &str, part: &str) -> String {
    if prefix.is_empty() {
        part.to_owned()
    } else {
        format!("{prefix}::{part}")
    }
}

/// One import per name a use tree binds, its module the path before it.
fn use_tree(cx: &mut Ctx, node: Node, prefix: &str) {
    match node.kind() {
        "identifier" => cx.import(node, prefix.to_owned()),
        "scoped_identifier" => {
            let path = node
                .child_by_field_name("path")
                .map(|p| cx.text(p))
                .unwrap_or_default();
            let Some(name) = node.child_by_field_name("name") else {
                return;
            };
            let module = join(prefix, &path);
            if name.kind() == "self" {
                // `a::b::{self}` binds `b`.
                if let Some((m, last)) = module.rsplit_once("::") {
                    let line = crate::ctx::line(name);
                    let imp = crate::model::Import {
                        bound: last.to_owned(),
                        module: m.to_owned(),
                        line,
                    };
                    cx.out.imports.push(imp);
                }
                return;
            }
            cx.import(name, module);
        }
        "use_as_clause" => {
            let (Some(path), Some(alias)) = (
                node.child_by_field_name("path"),
                node.child_by_field_name("alias"),
            ) else {
                return;
            };
            let full = join(prefix, &cx.text(path));
            let module = full
                .rsplit_once("::")
                .map(|(m, _)| m.to_owned())
                .unwrap_or_default();
            cx.import(alias, module);
        }
        "scoped_use_list" => {
            let path = node
                .child_by_field_name("path")
                .map(|p| cx.text(p))
                .unwrap_or_default();
            let inner = join(prefix, &path);
            if let Some(list) = node.child_by_field_name("list") {
                use_tree(cx, list, &inner);
            }
        }
        "use_list" => {
            for child in named_children(node) {
                if child.kind() == "self" {
                    if let Some((m, last)) = prefix.rsplit_once("::") {
                        let line = crate::ctx::line(child);
                        let imp = crate::model::Import {
                            bound: last.to_owned(),
                            module: m.to_owned(),
                            line,
                        };
                        cx.out.imports.push(imp);
                    }
                } else {
                    use_tree(cx, child, prefix);
                }
            }
        }
        _ => {}
    }
}
