//! The Action's supply chain: third-party actions pinned by commit, release
//! jobs with the least permissions, and an install script that trusts only
//! the checksums pinned in the action (a tampered release or cache fails).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every workflow file and the action itself.
fn yaml_files() -> Vec<String> {
    let mut files = vec!["action.yml".to_string()];
    for e in std::fs::read_dir(root().join(".github/workflows")).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".yml") || name.ends_with(".yaml") {
            files.push(format!(".github/workflows/{name}"));
        }
    }
    files
}

/// Every `uses:` of another repository names a full 40-hex commit; local
/// actions (`./`) are the code under test.
#[test]
fn every_third_party_action_is_pinned_by_commit() {
    let mut seen = 0;
    for f in yaml_files() {
        for (n, line) in read(&f).lines().enumerate() {
            let Some(at) = line.find("uses:") else {
                continue;
            };
            let target = line[at + 5..].split('#').next().unwrap().trim();
            if target.starts_with("./") {
                continue;
            }
            seen += 1;
            let sha = target.rsplit_once('@').map(|(_, r)| r).unwrap_or("");
            assert!(
                sha.len() == 40 && sha.bytes().all(|b| b.is_ascii_hexdigit()),
                "{f}:{}: `{target}` is not pinned by a 40-hex commit",
                n + 1
            );
        }
    }
    assert!(
        seen >= 5,
        "expected the workflows to use actions, saw {seen}"
    );
}

/// Release jobs: nothing by default, `contents: write` only where the release
/// is published; the build job can only read.
#[test]
fn release_jobs_get_only_the_permissions_they_need() {
    let doc: serde_yaml::Value =
        serde_yaml::from_str(&read(".github/workflows/release.yml")).unwrap();
    assert_eq!(
        doc["permissions"],
        serde_yaml::from_str::<serde_yaml::Value>("{}").unwrap()
    );
    let jobs = doc["jobs"].as_mapping().unwrap();
    let mut writers = Vec::new();
    for (name, job) in jobs {
        let perms = job["permissions"]
            .as_mapping()
            .unwrap_or_else(|| panic!("{name:?} has no permissions"));
        for (k, v) in perms {
            if v.as_str() == Some("write") {
                writers.push(format!(
                    "{}:{}",
                    name.as_str().unwrap(),
                    k.as_str().unwrap()
                ));
            }
        }
    }
    assert_eq!(writers, ["publish:contents"]);
    // The pins are written into the tagged commit before the release exists.
    let raw = read(".github/workflows/release.yml");
    let publish = &raw[raw.find("\n  publish:").expect("a publish job")..];
    let pin = publish
        .find("checksums/${TAG}.sha256")
        .expect("publish pins checksums");
    let tag = publish.find("git tag \"$TAG\"").expect("publish tags");
    let release = publish.find("gh release create").expect("publish releases");
    assert!(pin < tag && tag < release);
    for f in ["ci.yml", "test-action.yml"] {
        let doc: serde_yaml::Value =
            serde_yaml::from_str(&read(&format!(".github/workflows/{f}"))).unwrap();
        assert_eq!(doc["permissions"]["contents"], "read", "{f}");
    }
}

/// A fake action checkout, release and runner for the install script.
struct Fake {
    tmp: tempfile::TempDir,
}

const VERSION: &str = "9.8.7";
const TARGET: &str = "x86_64-unknown-linux-musl";
const GENUINE: &str = "#!/bin/sh\necho 'contract-gate 9.8.7 (genuine)'\n";

impl Fake {
    fn dir(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }

    /// A release holding an archive of `binary`; the action pins the genuine one.
    fn new(binary: &str) -> Fake {
        let f = Fake {
            tmp: tempfile::tempdir().unwrap(),
        };
        let name = format!("contract-gate-v{VERSION}-{TARGET}");
        // The genuine archive, whose hashes the action pins.
        let genuine = f.archive("genuine", &name, GENUINE);
        let action = f.dir("action");
        std::fs::create_dir_all(action.join("checksums")).unwrap();
        std::fs::write(
            action.join("Cargo.toml"),
            format!("[package]\nversion = \"{VERSION}\"\n"),
        )
        .unwrap();
        let pins = format!(
            "{}  {name}.tar.gz\n{}  {name}/contract-gate\n",
            sha256(&genuine),
            sha256(&f.dir("genuine/x").join(&name).join("contract-gate"))
        );
        std::fs::write(action.join(format!("checksums/v{VERSION}.sha256")), pins).unwrap();
        // What the release serves.
        if binary == GENUINE {
            std::fs::create_dir_all(f.dir("release")).unwrap();
            std::fs::copy(&genuine, f.dir("release").join(format!("{name}.tar.gz"))).unwrap();
        } else {
            f.archive("release", &name, binary);
        }
        std::fs::create_dir_all(f.dir("tool-cache")).unwrap();
        f
    }

    fn archive(&self, at: &str, name: &str, binary: &str) -> PathBuf {
        let x = self.dir(at).join("x").join(name);
        std::fs::create_dir_all(&x).unwrap();
        std::fs::write(x.join("contract-gate"), binary).unwrap();
        let out = self.dir(at).join(format!("{name}.tar.gz"));
        let st = Command::new("tar")
            .args([
                "-czf",
                out.to_str().unwrap(),
                "-C",
                self.dir(at).join("x").to_str().unwrap(),
                name,
            ])
            .status()
            .unwrap();
        assert!(st.success());
        out
    }

    fn cached(&self) -> PathBuf {
        self.dir(&format!(
            "tool-cache/contract-gate/{VERSION}/{TARGET}/contract-gate"
        ))
    }

    fn install(&self, mode: &str) -> (i32, String) {
        let out = Command::new("bash")
            .arg(root().join("scripts/install-action.sh"))
            .arg(mode)
            .env("ACTION_PATH", self.dir("action"))
            .env("ACTION_REF", format!("v{VERSION}"))
            .env("ACTION_REPOSITORY", "org/contract-gate")
            .env("RUNNER_OS_NAME", "Linux")
            .env("RUNNER_ARCH_NAME", "X64")
            .env("RUNNER_TOOL_CACHE", self.dir("tool-cache"))
            .env("GITHUB_OUTPUT", self.dir("output"))
            .env(
                "CONTRACT_GATE_RELEASE_BASE",
                format!("file://{}", self.dir("release").display()),
            )
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code().unwrap_or(-1), text)
    }
}

fn sha256(p: &Path) -> String {
    let out = Command::new("sha256sum").arg(p).output().unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

#[test]
fn the_genuine_release_installs_and_the_cache_is_reverified() {
    let f = Fake::new(GENUINE);
    let (code, out) = f.install("resolve");
    assert_eq!(code, 0, "{out}");
    let outputs = std::fs::read_to_string(f.dir("output")).unwrap();
    assert!(
        outputs.contains(&format!("cache-key=contract-gate-{VERSION}-{TARGET}\n")),
        "{outputs}"
    );
    let (code, out) = f.install("install");
    assert_eq!(code, 0, "{out}");
    assert!(out.ends_with("contract-gate 9.8.7 (genuine)\n"), "{out}");
    assert_eq!(std::fs::read_to_string(f.cached()).unwrap(), GENUINE);
    // A second run takes the cache, after checking it.
    let (code, out) = f.install("install");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("from the cache, checksum verified"), "{out}");
    // A poisoned cache is never run: it is replaced by the verified download.
    std::fs::write(f.cached(), "#!/bin/sh\necho poisoned\n").unwrap();
    let (code, out) = f.install("install");
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "::warning title=contract-gate::the cached binary does not match the pinned checksum"
        ),
        "{out}"
    );
    assert!(!out.contains("poisoned"), "{out}");
    assert_eq!(std::fs::read_to_string(f.cached()).unwrap(), GENUINE);
}

#[test]
fn a_tampered_release_fails_even_with_a_matching_sums_file() {
    let f = Fake::new("#!/bin/sh\necho tampered\n");
    // The release's own SHA256SUMS agrees with the tampered asset: not read.
    let name = format!("contract-gate-v{VERSION}-{TARGET}.tar.gz");
    let served = f.dir("release").join(&name);
    std::fs::write(
        f.dir("release/SHA256SUMS"),
        format!("{}  {name}\n", sha256(&served)),
    )
    .unwrap();
    let (code, out) = f.install("install");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            "::error title=contract-gate::checksum mismatch for {name}"
        )),
        "{out}"
    );
    assert!(!out.contains("tampered"), "{out}");
    assert!(!f.cached().exists());
}

#[test]
fn a_release_tag_without_pinned_checksums_is_refused() {
    let f = Fake::new(GENUINE);
    std::fs::remove_file(f.dir(&format!("action/checksums/v{VERSION}.sha256"))).unwrap();
    for mode in ["resolve", "install"] {
        let (code, out) = f.install(mode);
        assert_eq!(code, 1, "{mode}: {out}");
        assert!(
            out.contains(&format!("no checksums pinned for v{VERSION}")),
            "{out}"
        );
    }
    assert!(!f.cached().exists());
}

/// The repository's own pins, once a release has written them, are read by
/// the script from the path it documents.
#[test]
fn the_script_reads_pins_from_the_actions_own_tree() {
    let script = read("scripts/install-action.sh");
    assert!(script.contains("pins=\"$ACTION_PATH/checksums/${tag}.sha256\""));
    assert!(
        !script.contains("$base/SHA256SUMS"),
        "the release's sums file must not be trusted"
    );
}
