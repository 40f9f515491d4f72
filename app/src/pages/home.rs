//! The home page of a signed-in user.

use leptos::prelude::*;

use crate::i18n::Key;
use crate::pages::section::Section;
use crate::tr;

/// Welcome text and a card per section.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <section class="page home" data-testid="home">
            <h1>{tr(Key::HomeTitle)}</h1>
            <p class="lead">{tr(Key::HomeIntro)}</p>
            <p class="notice">{tr(Key::HomeNextSteps)}</p>
            <ul class="cards">
                {Section::ALL
                    .into_iter()
                    .map(|section| {
                        view! {
                            <li class="card">
                                <a href=section.path()>
                                    <h2>{tr(section.title())}</h2>
                                    <p>{tr(section.intro())}</p>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
