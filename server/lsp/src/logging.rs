//! Logs: stderr always (stdout is the protocol), and warnings and errors also to the client
//! as `window/logMessage`, so they show in the editor's output panel.

use std::fmt::Write as _;

use tokio::sync::mpsc;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::MessageType;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Sends formatted warning and error events into a channel that the server forwards.
struct ClientLayer {
    tx: mpsc::UnboundedSender<(MessageType, String)>,
}

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }
}

impl<S: Subscriber> Layer<S> for ClientLayer {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let kind = match *event.metadata().level() {
            Level::ERROR => MessageType::ERROR,
            Level::WARN => MessageType::WARNING,
            _ => return,
        };
        let mut message = Message(String::new());
        event.record(&mut message);
        let _ = self.tx.send((kind, message.0));
    }
}

/// Installs the subscriber; returns the receiving end of the client-bound messages.
pub fn init(level: &str) -> mpsc::UnboundedReceiver<(MessageType, String)> {
    let (tx, rx) = mpsc::unbounded_channel();
    let filter = EnvFilter::try_new(level).unwrap_or_else(|_| EnvFilter::new("warn"));
    let stderr = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(false);
    let _ = tracing_subscriber::registry().with(filter).with(stderr).with(ClientLayer { tx }).try_init();
    rx
}

/// Forwards log messages to the client until the channel closes.
pub async fn forward(mut rx: mpsc::UnboundedReceiver<(MessageType, String)>, client: Client) {
    while let Some((kind, message)) = rx.recv().await {
        client.log_message(kind, message).await;
    }
}
