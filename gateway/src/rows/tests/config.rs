//! ConfigMaps and Secrets: counts only, never a value.

use serde_json::json;

use super::project_as;

#[test]
fn config_map_counts_data_and_binary_data() {
    let cm = json!({"metadata": {"name": "settings"},
                    "data": {"a": "1", "b": "2"}, "binaryData": {"c": "AAE="}});
    let row = project_as("", "ConfigMap", &cm);
    assert_eq!(row.cells[0].text, "3");
    assert_eq!(row.cells[0].number, Some(3.0));
}

#[test]
fn a_secret_row_holds_no_value_nor_its_base64() {
    let value = "s3cr3t-p4ssw0rd-do-not-leak";
    let encoded = "czNjcjN0LXA0c3N3MHJkLWRvLW5vdC1sZWFr";
    let secret = json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "db", "namespace": "shop", "uid": "sec-1",
                     "annotations": {"kubectl.kubernetes.io/last-applied-configuration":
                                     format!("{{\"stringData\":{{\"password\":\"{value}\"}}}}")},
                     "managedFields": [{"manager": "kubectl", "fieldsV1": {"f:data": {"f:password": {}}}}]},
        "type": "kubernetes.io/basic-auth",
        "data": {"password": encoded, "username": "YWRtaW4="}
    });
    let row = project_as("", "Secret", &secret);
    assert_eq!(row.cells[0].text, "kubernetes.io/basic-auth");
    assert_eq!(row.cells[1].text, "2");
    let json = serde_json::to_string(&row).unwrap();
    for leak in [
        value,
        encoded,
        "YWRtaW4=",
        "admin",
        "password",
        "last-applied",
    ] {
        assert!(!json.contains(leak), "{leak} in {json}");
    }
    let opaque = project_as("", "Secret", &json!({"metadata": {"name": "x"}}));
    assert_eq!(
        (opaque.cells[0].text.as_str(), opaque.cells[1].text.as_str()),
        ("", "0")
    );
}
