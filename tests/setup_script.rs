//! `scripts/setup.sh --check` finds libclang the way bindgen's loader (clang-sys) does:
//! a `libclang-cpp` library alone is not libclang, and clang's own headers are needed
//! too. Checked against made-up file trees (SETUP_ROOT), so the test says what happens
//! on a machine without the packages, whatever this machine has.

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

#[test]
fn libclang_cpp_alone_is_not_libclang() {
    // What a fresh Debian machine with LLVM's C++ library (pulled in by other
    // packages) has: the case that made bindgen panic after minutes.
    assert_eq!(
        check(&[
            CC,
            NODE,
            NPM,
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
            check(&[CC, lib, HEADERS, NODE, NPM]),
            (0, "setup: nothing missing".to_string()),
            "{lib}"
        );
    }
}

#[test]
fn libclang_without_its_headers_is_not_enough() {
    assert_eq!(
        check(&[CC, NODE, NPM, "/usr/lib/llvm-14/lib/libclang-14.so.1"]),
        (1, "setup: missing libclang-dev".to_string())
    );
}

#[test]
fn a_missing_compiler_is_reported() {
    assert_eq!(
        check(&["/usr/lib/llvm-14/lib/libclang-14.so.1", HEADERS, NODE, NPM]),
        (1, "setup: missing gcc".to_string())
    );
    assert_eq!(
        check(&[]),
        (1, "setup: missing gcc libclang-dev nodejs npm".to_string())
    );
}

#[test]
fn node_and_npm_are_needed_for_the_prisma_oracle() {
    let build = ["/usr/lib/llvm-14/lib/libclang-14.so.1", HEADERS, CC];
    assert_eq!(check(&build), (1, "setup: missing nodejs npm".to_string()));
    // Debian's nodejs package without npm (they are separate packages).
    assert_eq!(
        check(&[build[0], build[1], build[2], NODE]),
        (1, "setup: missing nodejs npm".to_string())
    );
}
