//! Compiles the vendored Kubernetes `.proto` files (`proto/`) into one
//! encoded `FileDescriptorSet` that `src/api/protobuf` loads at run time to
//! decode `application/vnd.kubernetes.protobuf` request bodies.
//!
//! `protox` is a protobuf compiler written in Rust, so building needs no
//! `protoc` on the machine.

use std::path::{Path, PathBuf};

/// The API groups whose kinds kubectl may send as protobuf (the groups the
/// simulator serves, plus the review kinds of `kubectl auth`). Their imports
/// (apimachinery's meta/v1, runtime, intstr, resource) come along.
const FILES: &[&str] = &[
    "api/core/v1/generated.proto",
    "api/apps/v1/generated.proto",
    "api/batch/v1/generated.proto",
    "api/autoscaling/v1/generated.proto",
    "api/autoscaling/v2/generated.proto",
    "api/networking/v1/generated.proto",
    "api/policy/v1/generated.proto",
    "api/rbac/v1/generated.proto",
    "api/storage/v1/generated.proto",
    "api/coordination/v1/generated.proto",
    "api/discovery/v1/generated.proto",
    "api/events/v1/generated.proto",
    "api/authorization/v1/generated.proto",
    "api/authentication/v1/generated.proto",
];

fn main() {
    // Read at run time, not with `env!`: a target directory shared by two
    // clones reuses the compiled build script, whose baked-in path would
    // point into the other clone.
    let manifest_dir =
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest_dir).join("proto");
    println!("cargo:rerun-if-changed={}", root.display());
    println!("cargo:rerun-if-changed=build.rs");
    let mut compiler = protox::Compiler::new([&root]).expect("the proto/ directory is readable");
    compiler.include_imports(true).include_source_info(false);
    compiler
        .open_files(FILES)
        .unwrap_or_else(|e| panic!("compiling the Kubernetes .proto files: {e}"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(
        out.join("k8s_descriptors.bin"),
        compiler.encode_file_descriptor_set(),
    )
    .expect("OUT_DIR is writable");
}
