//! Renders a YAML file of Kubernetes objects into every format, for eyeballing:
//! `cargo run -p diagram --example render -- KIND FILE OUT_DIR [en|zh-CN]`.

use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, kind, file, out, rest @ ..] = args.as_slice() else {
        return Err("usage: render KIND FILE OUT_DIR [LANG]".into());
    };
    let lang: diagram::Lang = rest.first().map_or(Ok(diagram::Lang::En), |l| l.parse())?;
    let text = std::fs::read_to_string(file)?;
    let docs: Vec<serde_json::Value> = serde_saphyr::from_multiple(&text)?;
    let objects = diagram::ClusterObjects::from_values(docs)?;
    let d = diagram::build(kind.parse()?, &objects, &diagram::Options::new(lang))?;
    std::fs::create_dir_all(out)?;
    let svg = diagram::render::svg(&d);
    std::fs::write(format!("{out}/{kind}.puml"), diagram::render::plantuml(&d))?;
    std::fs::write(format!("{out}/{kind}.svg"), &svg)?;
    std::fs::write(format!("{out}/{kind}.mmd"), diagram::render::mermaid(&d))?;
    std::fs::write(format!("{out}/{kind}.dot"), diagram::render::dot(&d))?;
    let mut db = diagram::render::fontdb::Database::new();
    db.load_system_fonts();
    std::fs::write(
        format!("{out}/{kind}.png"),
        diagram::render::png(&svg, Arc::new(db), 1.0)?,
    )?;
    Ok(())
}
