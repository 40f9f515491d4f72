//! Bodies kubectl 1.32 sent to the simulator, captured byte for byte, and
//! the JSON each must read as. They pin the decoding of the real encoder's
//! output (every non-pointer field written, zero or not), including the
//! review kinds of `kubectl auth`, which the simulator does not serve yet.

use serde_json::json;

use super::decode;

/// Hex text (whitespace ignored) as bytes.
fn hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).expect("ascii"), 16).expect("hex"))
        .collect()
}

/// `kubectl auth can-i create deployments.apps -n demo`.
const CAN_I: &str = "
    6b3873000a320a17617574686f72697a6174696f6e2e6b38732e696f2f763112
    1753656c665375626a65637441636365737352657669657712470a100a001200
    1a0022002a0032003800420012290a270a0464656d6f12066372656174651a04
    6170707322002a0b6465706c6f796d656e747332003a001a08080012001a0020
    001a002200
";

/// `kubectl auth can-i --list -n demo`.
const CAN_I_LIST: &str = "
    6b3873000a310a17617574686f72697a6174696f6e2e6b38732e696f2f763112
    1653656c665375626a65637452756c657352657669657712200a100a0012001a
    0022002a0032003800420012060a0464656d6f1a04180022001a002200
";

/// `kubectl auth whoami` (its first try, `authentication.k8s.io/v1`).
const WHOAMI: &str = "
    6b3873000a2d0a1861757468656e7469636174696f6e2e6b38732e696f2f7631
    121153656c665375626a656374526576696577121a0a100a0012001a0022002a
    0032003800420012060a040a0012001a002200
";

/// Each DELETE of `kubectl drain --disable-eviction --grace-period=0`.
const DRAIN_DELETE: &str = "
    6b3873000a130a027631120d44656c6574654f7074696f6e73120208001a0022
    00
";

#[test]
fn can_i() {
    let got = decode(&hex(CAN_I), ("", "")).expect("decodes");
    assert_eq!(
        got,
        json!({
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SelfSubjectAccessReview",
            "metadata": {},
            "spec": {"resourceAttributes": {
                "namespace": "demo", "verb": "create", "group": "apps", "resource": "deployments"}},
            "status": {}
        })
    );
}

#[test]
fn can_i_list() {
    let got = decode(&hex(CAN_I_LIST), ("", "")).expect("decodes");
    assert_eq!(
        got,
        json!({
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SelfSubjectRulesReview",
            "metadata": {},
            "spec": {"namespace": "demo"},
            "status": {}
        })
    );
}

#[test]
fn whoami() {
    let got = decode(&hex(WHOAMI), ("", "")).expect("decodes");
    assert_eq!(
        got,
        json!({
            "apiVersion": "authentication.k8s.io/v1",
            "kind": "SelfSubjectReview",
            "metadata": {},
            "status": {"userInfo": {}}
        })
    );
}

#[test]
fn drain_delete_keeps_its_zero_grace_period() {
    let got = decode(&hex(DRAIN_DELETE), ("meta.k8s.io/v1", "DeleteOptions")).expect("decodes");
    assert_eq!(
        got,
        json!({"apiVersion": "v1", "kind": "DeleteOptions", "gracePeriodSeconds": 0})
    );
}
