//! The repository a run is about, and the files it reads at a commit:
//! what the loader and each of its parts (checks, merge state, the interface
//! scan) share, so none of them imports the loader.

use super::client::{Api, ApiError};
use super::target::encode_file_path;
use crate::source::contracts::ContractFile;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RepoId {
    pub(crate) owner: String,
    pub(super) name: String,
}

impl RepoId {
    /// `owner/name`.
    pub(crate) fn parse(s: &str) -> Option<RepoId> {
        let (o, n) = s.trim().trim_end_matches(".git").split_once('/')?;
        (!o.is_empty() && !n.is_empty() && !n.contains('/')).then(|| RepoId {
            owner: o.to_string(),
            name: n.to_string(),
        })
    }

    pub(crate) fn path(&self, rest: &str) -> String {
        format!("/repos/{}/{}{rest}", self.owner, self.name)
    }
}

impl std::fmt::Display for RepoId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum GithubLoadError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("contract `{path}` does not exist at the base ({sha}): contracts are read from the base branch, never from the pull request")]
    MissingContract { path: String, sha: String },
    #[error("{0}")]
    Other(String),
}

/// Contents of a file at a commit; None when absent.
pub(super) async fn file_at(
    api: &Api,
    repo: &RepoId,
    path: &str,
    sha: &str,
) -> Result<Option<String>, ApiError> {
    api.get_raw(
        &repo.path(&format!("/contents/{}", encode_file_path(path))),
        &[("ref", sha.to_string())],
    )
    .await
}

/// A contract file at a commit, read as the local source reads one: a
/// symlink (GitHub follows an in-repository one and answers for its target,
/// whose path then differs), a submodule, binary or non-UTF-8 content is
/// refused, never read.
pub(super) async fn contract_file(
    api: &Api,
    repo: &RepoId,
    path: &str,
    sha: &str,
) -> Result<ContractFile, ApiError> {
    let at = repo.path(&format!("/contents/{}", encode_file_path(path)));
    let query = [("ref", sha.to_string())];
    let Some(entry) = api.get_json_opt::<serde_json::Value>(&at, &query).await? else {
        return Ok(ContractFile::Missing);
    };
    let field = |k: &str| entry.get(k).and_then(|v| v.as_str()).unwrap_or_default();
    let refused = |what: &str| Ok(ContractFile::Refused(what.to_string()));
    match field("type") {
        "symlink" => return refused("a symbolic link"),
        "submodule" => return refused("a submodule (gitlink)"),
        "file" if field("path") != path => return refused("a symbolic link"),
        "file" => {}
        // A directory (a JSON array) or anything else is no contract file.
        _ => return Ok(ContractFile::Missing),
    }
    let bytes = if field("encoding") == "base64" {
        use base64::Engine as _;
        let packed: String = field("content").split_whitespace().collect();
        base64::engine::general_purpose::STANDARD
            .decode(packed)
            .map_err(|e| ApiError::Decode {
                method: "GET",
                path: at.clone(),
                message: format!("the file's base64 content does not decode: {e}"),
            })?
    } else {
        // Past 1 MB the contents API sends no content: read it raw.
        match api.get_raw(&at, &query).await {
            Ok(Some(text)) => text.into_bytes(),
            Ok(None) => return Ok(ContractFile::Missing),
            Err(ApiError::Decode { .. }) => return refused("not UTF-8 text"),
            Err(e) => return Err(e),
        }
    };
    if bytes.contains(&0) {
        return refused("a binary file");
    }
    Ok(match String::from_utf8(bytes) {
        Ok(text) => ContractFile::Text(text),
        Err(_) => ContractFile::Refused("not UTF-8 text".into()),
    })
}
