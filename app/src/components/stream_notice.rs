//! The notice that live updates are reconnecting, or that the session
//! ended. Shown only after hydration (pages without JavaScript are not live).

use leptos::prelude::*;

use crate::i18n::Key;
use crate::tr;

/// "Reconnecting…" / "Session ended" while the tab's stream is not open.
#[component]
pub fn StreamNotice() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    let status = crate::live::client::status();
    #[cfg(feature = "hydrate")]
    let message = move || {
        use crate::live::client::StreamStatus;
        match status.get() {
            StreamStatus::Reconnecting => Some((Key::StreamReconnecting, "reconnecting")),
            StreamStatus::Ended => Some((Key::StreamEnded, "ended")),
            _ => None,
        }
    };
    #[cfg(not(feature = "hydrate"))]
    let message = move || None::<(Key, &'static str)>;
    view! {
        {move || {
            message()
                .map(|(key, state)| {
                    view! {
                        <p class="stream-notice" role="status" data-testid="stream-notice" data-state=state>
                            {tr(key)}
                        </p>
                    }
                })
        }}
    }
}
