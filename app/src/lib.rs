//! The Pilothouse web UI.
