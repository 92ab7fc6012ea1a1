// Draws the page's Mermaid diagrams; served as a file because the page's CSP forbids inline script.
mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "neutral" });
mermaid.run({ querySelector: "pre.mermaid" });
