//! Native SVG parses with usvg and has no overlapping boxes; a PNG of a
//! Chinese diagram has glyphs where the Chinese labels are.

mod common;

use std::sync::Arc;

use common::fixture;
use diagram::layout::{TextKind, layout};
use diagram::render::{self, fontdb};
use diagram::{Lang, Options};

const CJK_FONT: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

#[test]
fn every_fixture_svg_parses_and_has_no_overlapping_boxes() {
    for (kind, file) in [
        ("topology", "kubeadm-cluster.yaml"),
        ("topology", "single-node.yaml"),
        ("pod", "myapp-pod.yaml"),
        ("service", "kubeadm-cluster.yaml"),
        ("ownership", "kubeadm-cluster.yaml"),
    ] {
        for lang in [Lang::En, Lang::ZhCn] {
            let d =
                diagram::build(kind.parse().unwrap(), &fixture(file), &Options::new(lang)).unwrap();
            let svg = render::svg(&d);
            let boxes = common::geometry::check_svg(&svg, &d);
            assert!(boxes >= 3, "{kind} {file}: {boxes} boxes");
        }
    }
}

#[test]
fn svg_is_accessible_themeable_and_has_stable_ids() {
    let d = diagram::topology(&fixture("kubeadm-cluster.yaml"), &Options::new(Lang::ZhCn)).unwrap();
    let svg = render::svg(&d);
    assert!(svg.contains(r#"role="img""#) && svg.contains(r#"aria-labelledby="ph-title ph-desc""#));
    assert!(svg.contains(r#"<title id="ph-title">集群拓扑</title>"#));
    assert!(svg.contains(r#"xml:lang="zh-CN""#));
    assert!(svg.contains(r#"<g id="ph-master_cp_1" class="element role-master state-normal">"#));
    assert!(
        svg.contains(r#"<g id="ph-host_worker_1" class="boundary boundary-host state-normal""#)
    );
    assert!(
        svg.contains(r#"class="relation" data-from="ph-worker_worker_1" data-to="ph-master_cp_1""#)
    );
    assert!(svg.contains(">k8s master</text>"), "labels are real text");
}

#[test]
fn a_linked_svg_wraps_each_object_box_in_a_link() {
    let d = diagram::topology(&fixture("kubeadm-cluster.yaml"), &Options::new(Lang::En)).unwrap();
    let link = |t: &diagram::Target| Some(format!("/x/{}/{}?a=1&b=\"", t.kind, t.name));
    let svg = render::svg_linked(&d, &diagram::layout::layout(&d), &link);
    assert!(
        svg.contains(r#"<a href="/x/Node/worker-1?a=1&amp;b=&quot;" class="diagram-link"><g id="ph-host_worker_1""#),
        "hosts link to their nodes, the address escaped"
    );
    assert!(
        svg.contains(r#"<a href="/x/Pod/"#),
        "pods link to their pages"
    );
    assert_eq!(svg.matches("<a ").count(), svg.matches("</a>").count());
    assert!(
        !render::svg(&d).contains("<a "),
        "the plain SVG has no links"
    );
}

fn cjk_fonts() -> Arc<fontdb::Database> {
    let bytes = std::fs::read(CJK_FONT).unwrap_or_else(|e| {
        panic!("{CJK_FONT}: {e}; install fonts-wqy-microhei (scripts/install-plantuml.sh)")
    });
    Arc::new(render::font_database([bytes]))
}

/// Share of pixels in `area` that differ clearly from the box colour behind the text.
fn ink(png: &[u8], width_hint: u32, area: diagram::layout::Rect, background: [u8; 3]) -> f64 {
    let img = resvg::tiny_skia::Pixmap::decode_png(png).unwrap();
    assert_eq!(img.width(), width_hint);
    let mut inked = 0;
    let mut total = 0;
    for y in area.y.max(0)..area.bottom().min(img.height() as i32) {
        for x in area.x.max(0)..area.right().min(img.width() as i32) {
            let p = img.pixel(x as u32, y as u32).unwrap();
            let d = (i32::from(p.red()) - i32::from(background[0])).abs()
                + (i32::from(p.green()) - i32::from(background[1])).abs()
                + (i32::from(p.blue()) - i32::from(background[2])).abs();
            total += 1;
            if d > 120 {
                inked += 1;
            }
        }
    }
    f64::from(inked) / f64::from(total.max(1))
}

#[test]
fn png_draws_chinese_labels_with_real_glyphs() {
    let d = diagram::pod(&fixture("myapp-pod.yaml"), &Options::new(Lang::ZhCn)).unwrap();
    let l = layout(&d);
    let svg = render::svg_with_layout(&d, &l);
    let png = render::png(&svg, cjk_fonts(), 1.0).unwrap();
    assert_eq!(&png[1..4], b"PNG");

    let net = l.get("network").unwrap();
    let label = net
        .texts
        .iter()
        .find(|t| t.kind == TextKind::Label)
        .unwrap();
    assert_eq!(label.text, "网络地址和端口");
    let area = label.bounds();
    // White glyphs on the blue (#1168BD) network box.
    let with_font = ink(&png, l.width as u32, area, [0x11, 0x68, 0xBD]);
    assert!(
        with_font > 0.08,
        "Chinese label has too little ink: {with_font:.3}"
    );

    // Without any font the same area stays empty: the ink above is the glyphs.
    let empty = render::png(&svg, Arc::new(fontdb::Database::new()), 1.0).unwrap();
    let without = ink(&empty, l.width as u32, area, [0x11, 0x68, 0xBD]);
    assert!(without < 0.01, "ink without fonts: {without:.3}");

    // The glyphs run across the whole label, not just its start.
    let half = diagram::layout::Rect {
        w: area.w / 2,
        ..area
    };
    let right = diagram::layout::Rect {
        x: area.x + area.w / 2,
        w: area.w / 2,
        ..area
    };
    let (a, b) = (
        ink(&png, l.width as u32, half, [0x11, 0x68, 0xBD]),
        ink(&png, l.width as u32, right, [0x11, 0x68, 0xBD]),
    );
    assert!(a > 0.05 && b > 0.05, "both halves inked: {a:.3} {b:.3}");
}
