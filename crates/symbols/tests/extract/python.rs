use super::*;

const VIEWS: &str = r#"import os.path
import numpy as np
from .models import User, Session as Sess
from typing import Optional

MAX_UPLOAD = 10 * 1024  # MAX_UPLOAD in a comment
_cache = {}


def upload(request, filename: str, size_bytes: int = 0, *args, mime_type: Optional[str] = None, **kw):
    """upload stores `filename`; this docstring names User and must not count."""
    if size_bytes > MAX_UPLOAD:
        raise ValueError("too big: MAX_UPLOAD")
    return User(os.path.basename(filename))


def _private():
    pass


@dataclass
class Profile:
    name: str
    age: int = 0

    def greet(self, other: "Profile") -> str:
        return np.join(self.name)

    def _hidden(self):
        pass


class _Internal:
    def run(self):
        pass
"#;

#[test]
fn functions_give_parameters_with_types_and_defaults() {
    let s = syms(Language::Python, VIEWS);
    let d = decl(&s, "upload");
    assert_eq!((d.kind, d.exported, d.line), (Kind::Function, true, 10));
    let p: Vec<_> = d
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.default, p.type_text.as_deref()))
        .collect();
    assert_eq!(
        p,
        [
            ("request", false, None),
            ("filename", false, Some("str")),
            ("size_bytes", true, Some("int")),
            ("*args", false, None),
            ("mime_type", true, Some("Optional[str]")),
            ("**kw", false, None),
        ]
    );
    assert!(!decl(&s, "_private").exported);
}

#[test]
fn classes_give_annotated_fields_and_methods_with_their_parent() {
    let s = syms(Language::Python, VIEWS);
    let profile = decl(&s, "Profile");
    assert_eq!((profile.kind, profile.exported), (Kind::Class, true));
    let f: Vec<_> = profile
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.type_text.as_deref()))
        .collect();
    assert_eq!(f, [("name", Some("str")), ("age", Some("int"))]);
    let greet = decl(&s, "greet");
    assert_eq!(
        (greet.kind, greet.parent.as_deref(), greet.exported),
        (Kind::Method, Some("Profile"), true)
    );
    assert_eq!(names(&greet.params), ["self", "other"]);
    assert!(!decl(&s, "_hidden").exported);
    assert!(!decl(&s, "run").exported, "a method of a private class");
    assert_eq!(
        (decl(&s, "MAX_UPLOAD").kind, decl(&s, "MAX_UPLOAD").exported),
        (Kind::Const, true)
    );
    assert!(
        s.declarations.iter().all(|d| d.name != "_cache"),
        "not UPPER_CASE: not a constant"
    );
}

#[test]
fn imports_and_references() {
    let s = syms(Language::Python, VIEWS);
    let i: Vec<_> = s
        .imports
        .iter()
        .map(|i| (i.bound.as_str(), i.module.as_str()))
        .collect();
    assert_eq!(
        i,
        [
            ("os", "os.path"),
            ("np", "numpy"),
            ("User", ".models"),
            ("Sess", ".models"),
            ("Optional", "typing")
        ]
    );
    let uses: Vec<_> = s
        .references
        .iter()
        .filter(|r| r.name == "MAX_UPLOAD")
        .map(|r| r.line)
        .collect();
    assert_eq!(uses, [12], "not the comment, the string or the declaration");
    let users: Vec<_> = s
        .references
        .iter()
        .filter(|r| r.name == "User")
        .map(|r| r.line)
        .collect();
    assert_eq!(users, [14], "not the import binding or the docstring");
}

#[test]
fn snapshot_python() {
    insta::assert_yaml_snapshot!(syms(Language::Python, VIEWS));
}
