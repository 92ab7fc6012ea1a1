//! The protocol side: the `rmcp` handler (server info, instructions, `tools/list`,
//! `tools/call`) and the two transports, stdio and streamable HTTP on 127.0.0.1 at `/mcp`.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, combinators::BoxBody};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use rmcp::ErrorData;
use rmcp::handler::server::ServerHandler;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
};
use rmcp::service::{RequestContext, RoleServer};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};

use crate::Backend;
use crate::tools::{self, Reply};

/// What the agent reads at initialization: what Pacto is, and which tool answers which question.
const INSTRUCTIONS: &str = "\
Pacto describes a service's operational contract in a pacto.yaml inside a bundle directory (or an OCI \
artifact, named oci://registry/repository[:tag]): its interfaces, dependencies, runtime, configuration \
and scaling. Formats 1.0 and 2.0 are both understood. Arguments named path, ref, contract, old and new \
take a bundle directory or an oci:// reference.
- pacto_schema: call first, before writing or editing a pacto.yaml, to get the format's JSON Schema.
- pacto_generate_contract: start a new contract from a few answers (1.0, or 2.0 with pacto_version).
- pacto_validate: after every edit; each finding has its code, path, line and column, and fixes as text edits.
- pacto_fix: apply those quick fixes (all or chosen codes); returns the new text, writes only with write: true.
- pacto_migrate: turn a 1.0 contract into 2.0 (returns the new text, writes only with write: true).
- pacto_inspect: the whole contract as structured data; pacto_list_interfaces: only its interfaces.
- pacto_explain: a short summary in words; pacto_generate_docs: the full Markdown documentation.
- pacto_resolve_dependencies: the dependency graph, with cycles, conflicts and unreachable dependencies.
- pacto_suggest_dependencies: dependencies the contract probably lacks.
- pacto_dependents: the services of the workspace that depend on this contract, and whether its current \
version still satisfies each one's compatibility; ask before a version change or a breaking change.
- pacto_diff: compare two versions (e.g. the published oci:// one and the local one) before publishing; \
it classifies each change as NON_BREAKING, POTENTIAL_BREAKING or BREAKING and checks the version bump.
An invalid contract or a breaking diff is a normal result; a tool error means the input could not be read.";

/// The server: one per process on stdio, one per session over HTTP, all sharing the backend.
#[derive(Clone)]
pub struct PactoServer {
    backend: Arc<dyn Backend>,
}

impl PactoServer {
    pub fn new(backend: Arc<dyn Backend>) -> PactoServer {
        PactoServer { backend }
    }
}

fn tool_list() -> Vec<Tool> {
    tools::TOOLS
        .iter()
        .map(|def| {
            let tool = Tool::new(def.name, def.description, Arc::new(def.input_schema()))
                .with_annotations(annotations(def.name));
            match def.output_schema() {
                Some(schema) => tool.with_raw_output_schema(Arc::new(schema)),
                None => tool,
            }
        })
        .collect()
}

/// Hints for clients: only `pacto_fix` and `pacto_migrate` can write (and then replace
/// pacto.yaml, so they are marked destructive for clients that ask before such calls); the
/// generator and the schema never leave the process, every other tool may read a registry.
fn annotations(name: &str) -> ToolAnnotations {
    let writes = matches!(name, "pacto_fix" | "pacto_migrate");
    let closed = matches!(name, "pacto_generate_contract" | "pacto_schema");
    ToolAnnotations::new().read_only(!writes).destructive(writes).idempotent(true).open_world(!closed)
}

fn tool_result(reply: Result<Reply, String>) -> CallToolResult {
    match reply {
        Ok(Reply::Json(value)) => {
            let text = serde_json::to_string_pretty(&value).unwrap_or_default();
            let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
            result.structured_content = Some(value);
            result
        }
        Ok(Reply::Text(text)) => CallToolResult::success(vec![ContentBlock::text(text)]),
        Err(message) => CallToolResult::error(vec![ContentBlock::text(message)]),
    }
}

impl ServerHandler for PactoServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("pacto", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(tool_list()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        // The MCP specification answers an unknown tool with a protocol error (invalid params).
        let Some(def) = tools::find(&request.name) else {
            return Err(ErrorData::invalid_params(
                format!("unknown tool `{}`; the tools are: {}", request.name, tools::names().join(", ")),
                None,
            ));
        };
        let backend = Arc::clone(&self.backend);
        let arguments = request.arguments.unwrap_or_default();
        // The backend blocks (files, registry); a panic in it becomes an error result, and the
        // server keeps answering.
        let joined = tokio::task::spawn_blocking(move || tools::call(backend.as_ref(), def, &arguments)).await;
        let reply = joined.unwrap_or_else(|err| Err(format!("{}: internal error: {err}", def.name)));
        Ok(tool_result(reply).into())
    }
}

/// Serves MCP on stdin/stdout until the client closes stdin or the process gets SIGTERM.
pub async fn serve_stdio(backend: Arc<dyn Backend>) -> Result<(), String> {
    use rmcp::ServiceExt;
    // The handlers are installed first: a signal during the handshake must end the server too.
    let stop = termination();
    tokio::pin!(stop);
    let running = tokio::select! {
        running = PactoServer::new(backend).serve(rmcp::transport::stdio()) => {
            running.map_err(|err| format!("failed to start the MCP session on stdio: {err}"))?
        }
        () = &mut stop => return Ok(()),
    };
    tokio::select! {
        quit = running.waiting() => quit.map(|_| ()).map_err(|err| format!("the MCP session failed: {err}")),
        () = stop => Ok(()),
    }
}

/// Binds 127.0.0.1:`port` (0 = any free port) for [`serve_http`]; a port in use is an error
/// that says so.
pub async fn bind(port: u16) -> Result<tokio::net::TcpListener, String> {
    tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, port)).await.map_err(|err| match err.kind() {
        std::io::ErrorKind::AddrInUse => {
            format!("port {port} on 127.0.0.1 is already in use; choose another with --port")
        }
        _ => format!("failed to listen on 127.0.0.1:{port}: {err}"),
    })
}

/// The path of the streamable HTTP endpoint.
pub const ENDPOINT: &str = "/mcp";

/// Serves the streamable HTTP transport at `/mcp` on `listener` until SIGTERM. `on_ready`
/// learns the bound address first.
pub async fn serve_http(
    backend: Arc<dyn Backend>,
    port: u16,
    on_ready: impl FnOnce(std::net::SocketAddr),
) -> Result<(), String> {
    let stop = termination();
    let listener = bind(port).await?;
    let address = listener.local_addr().map_err(|err| format!("failed to read the bound address: {err}"))?;
    on_ready(address);
    let config = StreamableHttpServerConfig::default();
    let service = Arc::new(StreamableHttpService::new(
        move || Ok(PactoServer::new(Arc::clone(&backend))),
        Arc::new(LocalSessionManager::default()),
        config,
    ));
    let accept = async {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                // A failed accept (e.g. out of descriptors) must not spin the loop.
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                continue;
            };
            let service = Arc::clone(&service);
            tokio::spawn(async move {
                let handler = hyper::service::service_fn(move |request: Request<Incoming>| {
                    let service = Arc::clone(&service);
                    async move {
                        if request.uri().path() != ENDPOINT {
                            return Ok::<_, Infallible>(not_found());
                        }
                        Ok(service.handle(request).await)
                    }
                });
                let io = hyper_util::rt::TokioIo::new(stream);
                // A client that drops its connection ends only its own task.
                let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, handler).await;
            });
        }
    };
    tokio::select! {
        () = accept => Ok(()),
        () = stop => Ok(()),
    }
}

fn not_found() -> Response<BoxBody<Bytes, Infallible>> {
    let body = Full::new(Bytes::from_static(b"not found: the MCP endpoint is /mcp\n")).boxed();
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

/// Resolves on SIGTERM or SIGINT (both end the server cleanly, exit 0). The handlers are
/// installed by this call, not when the future is first polled.
fn termination() -> impl Future<Output = ()> {
    use tokio::signal::unix::{SignalKind, signal};
    let signals = (signal(SignalKind::terminate()), signal(SignalKind::interrupt()));
    async move {
        let (Ok(mut term), Ok(mut interrupt)) = signals else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = interrupt.recv() => {}
        }
    }
}
