//! One live diagram on a page: server-rendered SVG first (readable and
//! clickable without JavaScript), then drawn again by the server whenever
//! what it shows changes, over the tab's one live stream. Zoom, fit and
//! pan from buttons, keys or by dragging with the mouse; each box that stands for an object links to
//! its page; the export links download the same diagram from the API.

use leptos::prelude::*;

use gateway::diagram_query::DiagramQuery;

use crate::i18n::{Key, Locale};
use crate::pages::cluster::{encode, loaded};
use crate::server_fns::diagram::{DiagramView, get_diagram};
use crate::tr;

/// Export formats offered under each diagram: (API format, label).
const EXPORTS: [(&str, &str); 5] = [
    ("plantuml", "PlantUML"),
    ("svg", "SVG"),
    ("png", "PNG"),
    ("mermaid", "Mermaid"),
    ("dot", "DOT"),
];

/// Zoom levels, as factors of the diagram's natural size. A level is a CSS
/// class (`zoom-3`, see `style/main.css`), not an inline style, which the
/// Content-Security-Policy (`style-src 'self'`) refuses.
const ZOOM_LEVELS: [f64; 9] = [0.25, 0.33, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0];
/// The level `+` starts from: the natural size.
const NATURAL: usize = 4;

/// A diagram of `cluster`: `kind` is `topology`, `pod`, `service` or
/// `ownership`; the other fields of `query` choose what it shows.
#[component]
pub fn DiagramPanel(cluster: String, query: DiagramQuery) -> impl IntoView {
    let locale = expect_context::<RwSignal<Locale>>();
    let kind = query.kind.clone();
    let args = {
        let (cluster, query) = (cluster.clone(), query.clone());
        move || {
            let mut query = query.clone();
            query.lang = locale.get().tag().to_owned();
            (cluster.clone(), query)
        }
    };
    let data = Resource::new(args.clone(), |(cluster, q)| {
        get_diagram(
            cluster,
            q.kind,
            q.namespace.unwrap_or_default(),
            q.name.unwrap_or_default(),
            q.expand.join(","),
            q.lang,
        )
    });
    view! {
        <section class="panel diagram-panel" data-testid=format!("diagram-{kind}")>
            {loaded(data, move |view| {
                let (cluster, query) = args();
                view! { <DiagramCanvas view=view cluster=cluster query=query /> }
            })}
        </section>
    }
}

#[component]
fn DiagramCanvas(view: DiagramView, cluster: String, query: DiagramQuery) -> impl IntoView {
    let svg = RwSignal::new(view.svg);
    let problem = RwSignal::new(None::<String>);
    // `None` fits the diagram to the panel's width; `Some(i)` is a level of
    // `ZOOM_LEVELS`.
    let zoom = RwSignal::new(None::<usize>);
    follow_changes(cluster.clone(), query.clone(), svg, problem);
    let canvas = NodeRef::<leptos::html::Div>::new();
    let pan = DragPan::new(canvas);
    let step = move |up: bool| {
        zoom.update(|z| {
            let now = z.unwrap_or(NATURAL);
            *z = Some(if up {
                (now + 1).min(ZOOM_LEVELS.len() - 1)
            } else {
                now.saturating_sub(1)
            });
        })
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "+" | "=" => {
            ev.prevent_default();
            step(true);
        }
        "-" | "_" => {
            ev.prevent_default();
            step(false);
        }
        "0" => {
            ev.prevent_default();
            zoom.set(None);
        }
        _ => {}
    };
    let exports = EXPORTS.map(|(format, label)| {
        let href = export_path(&cluster, &query, format);
        view! { <a href=href download data-format=format>{label}</a> }
    });
    view! {
        <div class="diagram-toolbar" role="toolbar">
            <button type="button" data-testid="zoom-out" on:click=move |_| step(false) aria-label=tr(Key::DiagramZoomOut) title=tr(Key::DiagramZoomOut)>"−"</button>
            <button type="button" data-testid="zoom-in" on:click=move |_| step(true) aria-label=tr(Key::DiagramZoomIn) title=tr(Key::DiagramZoomIn)>"+"</button>
            <button type="button" data-testid="zoom-fit" on:click=move |_| zoom.set(None) aria-pressed=move || zoom.get().is_none().to_string()>{tr(Key::DiagramFit)}</button>
            <span class="exports" data-testid="diagram-exports">
                <span class="label">{tr(Key::DiagramExport)} ": "</span>
                {exports}
                {view.plantuml_link.map(|link| view! {
                    <a href=link target="_blank" rel="noopener noreferrer" data-format="url">{tr(Key::DiagramOpenPlantUml)}</a>
                })}
            </span>
        </div>
        {move || problem.get().map(|p| view! { <p class="notice" role="status" data-testid="diagram-problem">{p}</p> })}
        <div
            class="diagram-canvas"
            class:fit=move || zoom.get().is_none()
            tabindex="0"
            role="region"
            aria-label=tr(Key::DiagramRegion)
            on:keydown=on_key
            node_ref=canvas
            class:dragging=move || pan.dragging()
            on:pointerdown=move |ev| pan.down(&ev)
            on:pointermove=move |ev| pan.moved(&ev)
            on:pointerup=move |_| pan.up()
            on:pointercancel=move |_| pan.up()
            on:click=move |ev| pan.click(&ev)
            // A box is a link, and a link dragged is the browser's own
            // drag-and-drop, which would swallow the pan.
            on:dragstart=move |ev| ev.prevent_default()
            data-testid="diagram-canvas"
        >
            <div
                class=move || match zoom.get() {
                    Some(level) => format!("diagram-zoom zoom-{level}"),
                    None => "diagram-zoom".to_owned(),
                }
                data-zoom=move || zoom.get().map(|level| ZOOM_LEVELS[level].to_string())
                inner_html=move || svg.get()
            ></div>
        </div>
        <p class="hint">{tr(Key::DiagramKeys)}</p>
    }
}

/// Panning by dragging the canvas with the mouse: the canvas scrolls, so
/// this only moves its scroll position. A press that moves a few pixels
/// is a drag, and the click that ends it does not open the box under it.
#[derive(Clone, Copy)]
struct DragPan {
    canvas: NodeRef<leptos::html::Div>,
    /// Where the press began and the scroll position then.
    start: StoredValue<Option<(i32, i32, i32, i32)>>,
    /// Moved far enough to be a drag (until the click after it).
    dragged: RwSignal<bool>,
}

/// Pixels a press may move and still be a click.
const DRAG_SLOP: i32 = 4;

impl DragPan {
    fn new(canvas: NodeRef<leptos::html::Div>) -> Self {
        Self {
            canvas,
            start: StoredValue::new(None),
            dragged: RwSignal::new(false),
        }
    }

    fn dragging(self) -> bool {
        self.dragged.get()
    }

    fn down(self, ev: &leptos::ev::PointerEvent) {
        let Some(el) = self.canvas.get_untracked() else {
            return;
        };
        // Touch and pens scroll the canvas natively; the mouse needs help.
        if ev.button() != 0 || ev.pointer_type() != "mouse" {
            return;
        }
        self.start.set_value(Some((
            ev.client_x(),
            ev.client_y(),
            el.scroll_left(),
            el.scroll_top(),
        )));
        self.dragged.set(false);
    }

    fn moved(self, ev: &leptos::ev::PointerEvent) {
        let (Some((x, y, left, top)), Some(el)) =
            (self.start.get_value(), self.canvas.get_untracked())
        else {
            return;
        };
        // Released outside the canvas: the drag ended there.
        if ev.buttons() & 1 == 0 {
            self.up();
            return;
        }
        let (dx, dy) = (ev.client_x() - x, ev.client_y() - y);
        if !self.dragged.get_untracked() && dx.abs() + dy.abs() <= DRAG_SLOP {
            return;
        }
        if !self.dragged.get_untracked() {
            self.dragged.set(true);
            // From here the canvas gets every move, even over a link or
            // outside it; captured only now, so a plain click still
            // reaches the box it was made on.
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        el.set_scroll_left(left - dx);
        el.set_scroll_top(top - dy);
    }

    fn up(self) {
        self.start.set_value(None);
    }

    /// The click that ends a drag is the drag's, not a link's.
    fn click(self, ev: &leptos::ev::MouseEvent) {
        if self.dragged.get_untracked() {
            ev.prevent_default();
            self.dragged.set(false);
        }
    }
}

/// The diagram API's address for one export of the diagram.
pub fn export_path(cluster: &str, query: &DiagramQuery, format: &str) -> String {
    let mut params = vec![format!("format={format}")];
    if let Some(ns) = &query.namespace {
        params.push(format!("namespace={}", encode(ns)));
    }
    if let Some(name) = &query.name {
        params.push(format!("name={}", encode(name)));
    }
    if !query.expand.is_empty() {
        let list: Vec<String> = query.expand.iter().map(|e| encode(e)).collect();
        params.push(format!("expand={}", list.join(",")));
    }
    if !query.lang.is_empty() {
        params.push(format!("lang={}", encode(&query.lang)));
    }
    format!(
        "/api/v1/clusters/{}/diagrams/{}?{}",
        encode(cluster),
        encode(&query.kind),
        params.join("&")
    )
}

/// After hydration: the server draws the diagram again as the cluster
/// changes and sends the SVG over the live stream.
#[allow(unused_variables)]
fn follow_changes(
    cluster: String,
    query: DiagramQuery,
    svg: RwSignal<String>,
    problem: RwSignal<Option<String>>,
) {
    #[cfg(feature = "hydrate")]
    {
        use crate::live::client;
        use crate::live::protocol::{ClientMessage, ServerMessage};
        let id = client::subscribe(
            move |id| ClientMessage::Diagram { id, cluster, query },
            move |message| match message {
                ServerMessage::Diagram { svg: drawn, .. } => {
                    problem.set(None);
                    if svg.get_untracked() != drawn {
                        svg.set(drawn);
                    }
                }
                ServerMessage::Error { message, .. } => problem.set(Some(message)),
                _ => {}
            },
        );
        on_cleanup(move || client::unsubscribe(&id));
    }
}
