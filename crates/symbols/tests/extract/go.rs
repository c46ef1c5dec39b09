use super::*;

const SERVER: &str = r#"package server

import (
	"fmt"
	h "net/http"
	_ "embed"
)

import "strings"

// Server serves; Handle in a comment must not count.
type Server struct {
	Addr, Host string
	mux  *h.ServeMux
	Limits struct {
		MaxBody int64
	}
	Base
}

type Handler interface {
	ServeHTTP(w h.ResponseWriter, r *h.Request)
}

type ID = string

const (
	MaxConns = 100
	timeout  = 5
)

func New(addr string, opts ...Option) *Server {
	return &Server{Addr: strings.TrimSpace(addr)}
}

func (s *Server) Handle(pattern string, handler Handler) {
	fmt.Println("Handle", pattern)
	s.mux.Handle(pattern, handler)
}

func (s Server) close() {}
"#;

#[test]
fn functions_and_methods_with_receivers_and_grouped_parameters() {
    let s = syms(Language::Go, SERVER);
    let new = decl(&s, "New");
    assert_eq!((new.kind, new.exported), (Kind::Function, true));
    let p: Vec<_> = new
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.type_text.as_deref()))
        .collect();
    assert_eq!(p, [("addr", Some("string")), ("opts", Some("...Option"))]);
    let handle = decl(&s, "Handle");
    assert_eq!(
        (handle.kind, handle.parent.as_deref()),
        (Kind::Method, Some("Server"))
    );
    assert_eq!(names(&handle.params), ["pattern", "handler"]);
    let close = decl(&s, "close");
    assert_eq!(
        (close.exported, close.parent.as_deref()),
        (false, Some("Server"))
    );
}

#[test]
fn structs_interfaces_aliases_and_consts() {
    let s = syms(Language::Go, SERVER);
    let server = decl(&s, "Server");
    assert_eq!(
        (server.kind, server.exported, server.line),
        (Kind::Struct, true, 12)
    );
    assert_eq!(
        field_names(&server.fields),
        ["Addr", "Host", "mux", "Limits", "Base"]
    );
    assert_eq!(server.fields[1].type_text.as_deref(), Some("string"));
    assert_eq!(field_names(&server.fields[3].fields), ["MaxBody"]);
    let handler = decl(&s, "Handler");
    assert_eq!(handler.kind, Kind::Interface);
    assert_eq!(field_names(&handler.fields), ["ServeHTTP"]);
    assert_eq!(decl(&s, "ID").kind, Kind::TypeAlias);
    assert!(decl(&s, "MaxConns").exported && !decl(&s, "timeout").exported);
}

#[test]
fn imports_and_references() {
    let s = syms(Language::Go, SERVER);
    let i: Vec<_> = s
        .imports
        .iter()
        .map(|i| (i.bound.as_str(), i.module.as_str()))
        .collect();
    assert_eq!(
        i,
        [("fmt", "fmt"), ("h", "net/http"), ("strings", "strings")]
    );
    let handle: Vec<_> = s
        .references
        .iter()
        .filter(|r| r.name == "Handle")
        .map(|r| r.line)
        .collect();
    assert_eq!(
        handle,
        [38],
        "the call only: not the comment, string or declaration"
    );
    assert!(refs(&s).contains(&"TrimSpace"));
}

#[test]
fn snapshot_go() {
    insta::assert_yaml_snapshot!(syms(Language::Go, SERVER));
}
