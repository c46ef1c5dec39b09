use super::*;

const AUTH: &str = r#"import { Request, Response, NextFunction } from "express";
import * as jwt from 'jsonwebtoken';
import log, { level as logLevel } from "./log";

// requireAuth is mentioned here, in a comment, and must not count.
export function requireAuth(req: Request, res: Response, next: NextFunction) {
  const token = req.headers["authorization"];
  if (!jwt.verify(token, SECRET)) {
    log("requireAuth failed");
    return res.status(401).end();
  }
  next();
}

export type User = { id: string; email: string };

export interface Session {
  user: User;
  meta: { createdAt: Date; ip?: string };
  refresh(): void;
}

const SECRET = process.env.SECRET ?? "dev";

export const paginate = (items: User[], page = 1, size?: number) => items;

function helper(a, { b, c }, ...rest) {}

export class AuthService {
  private store: Map<string, User>;
  constructor(store: Map<string, User>) {}
  async login(email: string, password: string): Promise<User> {}
}

enum Role { Admin, Member }
export { helper };
"#;

#[test]
fn the_seeds_require_auth_has_its_parameters_in_order_with_types() {
    let s = syms(Language::TypeScript, AUTH);
    let d = decl(&s, "requireAuth");
    assert_eq!((d.kind, d.exported, d.line), (Kind::Function, true, 6));
    assert_eq!(names(&d.params), ["req", "res", "next"]);
    let types: Vec<_> = d.params.iter().map(|p| p.type_text.as_deref()).collect();
    assert_eq!(
        types,
        [Some("Request"), Some("Response"), Some("NextFunction")]
    );
    assert!(d.params.iter().all(|p| !p.optional && !p.default));
    assert!(!s.has_errors);
}

#[test]
fn the_seeds_user_type_and_its_reshape_give_nested_fields() {
    let before = syms(
        Language::TypeScript,
        "export type User = { id: string; email: string }",
    );
    let d = decl(&before, "User");
    assert_eq!((d.kind, d.exported), (Kind::TypeAlias, true));
    assert_eq!(field_names(&d.fields), ["id", "email"]);
    assert_eq!(d.fields[1].type_text.as_deref(), Some("string"));

    let after = syms(
        Language::TypeScript,
        "export type User = { id: string; identity: { email: string } }",
    );
    let d = decl(&after, "User");
    assert_eq!(field_names(&d.fields), ["id", "identity"]);
    assert_eq!(d.fields[1].type_text, None);
    assert_eq!(field_names(&d.fields[1].fields), ["email"]);
    assert_eq!(d.fields[1].fields[0].type_text.as_deref(), Some("string"));
}

#[test]
fn interfaces_classes_consts_and_export_clauses() {
    let s = syms(Language::TypeScript, AUTH);
    let session = decl(&s, "Session");
    assert_eq!(session.kind, Kind::Interface);
    assert_eq!(field_names(&session.fields), ["user", "meta", "refresh"]);
    assert_eq!(field_names(&session.fields[1].fields), ["createdAt", "ip"]);

    let paginate = decl(&s, "paginate");
    assert_eq!((paginate.kind, paginate.exported), (Kind::Function, true));
    let flags: Vec<_> = paginate
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.optional, p.default))
        .collect();
    assert_eq!(
        flags,
        [
            ("items", false, false),
            ("page", false, true),
            ("size", true, false)
        ]
    );

    assert_eq!(
        (decl(&s, "SECRET").kind, decl(&s, "SECRET").exported),
        (Kind::Const, false)
    );
    // Named in `export { helper }` at the end.
    assert!(decl(&s, "helper").exported);
    assert_eq!(
        names(&decl(&s, "helper").params),
        ["a", "{ b, c }", "...rest"]
    );
    assert_eq!(
        (decl(&s, "Role").kind, decl(&s, "Role").exported),
        (Kind::Enum, false)
    );

    let login = decl(&s, "login");
    assert_eq!(
        (login.kind, login.parent.as_deref()),
        (Kind::Method, Some("AuthService"))
    );
    assert_eq!(names(&login.params), ["email", "password"]);
    assert_eq!(field_names(&decl(&s, "AuthService").fields), ["store"]);
}

#[test]
fn imports_bind_local_names_and_references_skip_comments_and_strings() {
    let s = syms(Language::TypeScript, AUTH);
    let bound: Vec<_> = s
        .imports
        .iter()
        .map(|i| (i.bound.as_str(), i.module.as_str(), i.line))
        .collect();
    assert_eq!(
        bound,
        [
            ("Request", "express", 1),
            ("Response", "express", 1),
            ("NextFunction", "express", 1),
            ("jwt", "jsonwebtoken", 2),
            ("log", "./log", 3),
            ("logLevel", "./log", 3),
        ]
    );
    let r = refs(&s);
    // The declaring `requireAuth` is not a reference, nor the comment's or the string's.
    assert!(!r.contains(&"requireAuth"), "{r:?}");
    assert!(r.contains(&"SECRET") && r.contains(&"verify") && r.contains(&"next"));
    let secret_uses: Vec<_> = s
        .references
        .iter()
        .filter(|x| x.name == "SECRET")
        .map(|x| x.line)
        .collect();
    assert_eq!(
        secret_uses,
        [8, 23],
        "the use on line 8 and `process.env.SECRET` on 23"
    );
}

#[test]
fn javascript_and_tsx_read_the_same_way() {
    let js = syms(
        Language::JavaScript,
        "import express from 'express';\nexport function route(app, path = '/') { app.get(path); }\nexport default class Api { list(q) {} }\n",
    );
    let route = decl(&js, "route");
    assert!(route.exported);
    let p: Vec<_> = route
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.default))
        .collect();
    assert_eq!(p, [("app", false), ("path", true)]);
    assert_eq!(decl(&js, "list").parent.as_deref(), Some("Api"));
    assert_eq!(js.imports[0].bound, "express");

    let tsx = syms(
        Language::Tsx,
        "export function Card({ title }: { title: string }) { return <div>{title}</div>; }\n",
    );
    let card = decl(&tsx, "Card");
    assert_eq!(
        card.params[0].type_text.as_deref(),
        Some("{ title: string }")
    );
    assert!(!tsx.has_errors);
}

#[test]
fn a_broken_file_still_yields_what_it_can() {
    let s = syms(
        Language::TypeScript,
        "export function ok(a: string) {}\nexport function broken(a: {\n",
    );
    assert!(s.has_errors);
    assert_eq!(names(&decl(&s, "ok").params), ["a"]);
}

#[test]
fn snapshot_typescript() {
    insta::assert_yaml_snapshot!(syms(Language::TypeScript, AUTH));
}
