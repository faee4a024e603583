//! `scripts/setup.sh --check` finds libclang the way bindgen's loader (clang-sys) does:
//! a `libclang-cpp` library alone is not libclang, and clang's own headers are needed
//! too. Node with npm, Python with venv and Debian's Chromium (for the tests) are
//! checked the same way: against made-up file trees (SETUP_ROOT), so the test says what
//! happens on a machine without the packages, whatever this machine has.

mod common;
use common::root;
use std::process::Command;

fn check(files: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    for file in files {
        let path = dir.path().join(file.trim_start_matches('/'));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
    let out = Command::new("bash")
        .arg(root().join("scripts/setup.sh"))
        .arg("--check")
        .env("SETUP_ROOT", dir.path())
        .env_remove("LIBCLANG_PATH")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
    )
}

const CC: &str = "/usr/bin/cc";
const NODE: &str = "/usr/bin/node";
const NPM: &str = "/usr/bin/npm";
const HEADERS: &str = "/usr/lib/llvm-14/lib/clang/14.0.6/include/stddef.h";
const PYTHON: &str = "/usr/bin/python3";
/// What Debian's python3-venv brings: pip's wheel, for `python3 -m venv`.
const PIP_WHEEL: &str = "/usr/share/python-wheels/pip-23.0.1-py3-none-any.whl";
/// Debian's chromium package: the browser scripts/browser-test.sh launches by this path.
const CHROMIUM: &str = "/usr/bin/chromium";

#[test]
fn libclang_cpp_alone_is_not_libclang() {
    // What a fresh Debian machine with LLVM's C++ library (pulled in by other
    // packages) has: the case that made bindgen panic after minutes.
    assert_eq!(
        check(&[
            CC,
            NODE,
            NPM,
            PYTHON,
            PIP_WHEEL,
            CHROMIUM,
            "/usr/lib/llvm-14/lib/libclang-cpp.so.14",
            "/usr/lib/x86_64-linux-gnu/libclang-cpp.so.14"
        ]),
        (1, "setup: missing libclang-dev".to_string())
    );
}

#[test]
fn versioned_libclang_with_headers_is_enough() {
    for lib in [
        "/usr/lib/llvm-14/lib/libclang-14.so.1",
        "/usr/lib/llvm-14/lib/libclang.so",
        "/usr/lib/x86_64-linux-gnu/libclang-14.so.14.0.6",
        "/usr/local/lib/libclang.so.17",
    ] {
        assert_eq!(
            check(&[CC, lib, HEADERS, NODE, NPM, PYTHON, PIP_WHEEL, CHROMIUM]),
            (0, "setup: nothing missing".to_string()),
            "{lib}"
        );
    }
}

#[test]
fn libclang_without_its_headers_is_not_enough() {
    assert_eq!(
        check(&[
            CC,
            NODE,
            NPM,
            PYTHON,
            PIP_WHEEL,
            CHROMIUM,
            "/usr/lib/llvm-14/lib/libclang-14.so.1"
        ]),
        (1, "setup: missing libclang-dev".to_string())
    );
}

#[test]
fn a_missing_compiler_is_reported() {
    assert_eq!(
        check(&[
            "/usr/lib/llvm-14/lib/libclang-14.so.1",
            HEADERS,
            NODE,
            NPM,
            PYTHON,
            PIP_WHEEL,
            CHROMIUM
        ]),
        (1, "setup: missing gcc".to_string())
    );
    assert_eq!(
        check(&[]),
        (
            1,
            "setup: missing gcc libclang-dev nodejs npm python3 python3-venv chromium".to_string()
        )
    );
}

#[test]
fn node_and_npm_are_needed_for_the_prisma_oracle() {
    let build = [
        "/usr/lib/llvm-14/lib/libclang-14.so.1",
        HEADERS,
        CC,
        PYTHON,
        PIP_WHEEL,
        CHROMIUM,
    ];
    assert_eq!(check(&build), (1, "setup: missing nodejs npm".to_string()));
    // Debian's nodejs package without npm (they are separate packages).
    let mut without_npm = build.to_vec();
    without_npm.push(NODE);
    assert_eq!(
        check(&without_npm),
        (1, "setup: missing nodejs npm".to_string())
    );
}

#[test]
fn python_needs_venv_with_pip_for_the_packaging_tests() {
    let rest = [
        "/usr/lib/llvm-14/lib/libclang-14.so.1",
        HEADERS,
        CC,
        NODE,
        NPM,
        CHROMIUM,
    ];
    // Debian's python3 alone: `python3 -m venv` has no pip to put in.
    let mut debian = rest.to_vec();
    debian.push(PYTHON);
    debian.push("/usr/lib/python3.11/ensurepip/__init__.py");
    assert_eq!(
        check(&debian),
        (1, "setup: missing python3 python3-venv".to_string())
    );
    // A Python that carries pip's wheel itself (python.org's, pyenv's).
    let mut bundled = rest.to_vec();
    bundled.push("/usr/local/bin/python3");
    bundled.push("/usr/local/lib/python3.11/ensurepip/_bundled/pip-24.0-py3-none-any.whl");
    assert_eq!(check(&bundled), (0, "setup: nothing missing".to_string()));
}

#[test]
fn chromium_is_needed_for_the_browser_test() {
    let rest = [
        "/usr/lib/llvm-14/lib/libclang-14.so.1",
        HEADERS,
        CC,
        NODE,
        NPM,
        PYTHON,
        PIP_WHEEL,
    ];
    // A fresh Debian machine: no browser.
    assert_eq!(check(&rest), (1, "setup: missing chromium".to_string()));
    // Ubuntu's name for it (a snap wrapper) is not what the test launches.
    let mut other = rest.to_vec();
    other.push("/usr/bin/chromium-browser");
    assert_eq!(check(&other), (1, "setup: missing chromium".to_string()));
    let mut debian = rest.to_vec();
    debian.push(CHROMIUM);
    assert_eq!(check(&debian), (0, "setup: nothing missing".to_string()));
}
