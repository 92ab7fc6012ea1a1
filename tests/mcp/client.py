"""A third-party MCP client for pacto's tests: the official Python SDK (`mcp` on PyPI).

Usage: client.py stdio <pacto> [args...]   or   client.py http <url>
Reads a JSON list of calls on stdin, each {"tool": name, "arguments": {...}}, runs them in one
session and prints one JSON document: the server's info, its tools and each call's outcome
({"isError", "structured", "text"} or {"protocolError": message}). The Rust test asserts on it.
"""

import asyncio
import json
import os
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError


async def run_session(read, write, calls):
    async with ClientSession(read, write) as session:
        init = await session.initialize()
        tools = await session.list_tools()
        out = {
            "server": {"name": init.server_info.name, "version": init.server_info.version},
            "instructions": init.instructions,
            "tools": [
                {
                    "name": tool.name,
                    "required": tool.input_schema.get("required", []),
                    "properties": sorted(tool.input_schema.get("properties", {}).keys()),
                    "output": tool.output_schema is not None,
                    "readOnly": tool.annotations.read_only_hint if tool.annotations else None,
                }
                for tool in tools.tools
            ],
            "calls": [],
        }
        for call in calls:
            try:
                result = await session.call_tool(call["tool"], call.get("arguments"))
                texts = [it.text for it in result.content if getattr(it, "type", None) == "text"]
                out["calls"].append(
                    {"isError": bool(result.is_error), "structured": result.structured_content, "text": "".join(texts)}
                )
            except MCPError as err:
                out["calls"].append({"protocolError": str(err)})
        return out


async def main():
    calls = json.load(sys.stdin)
    if sys.argv[1] == "stdio":
        params = StdioServerParameters(command=sys.argv[2], args=sys.argv[3:], env=dict(os.environ), cwd=os.getcwd())
        async with stdio_client(params) as (read, write):
            out = await run_session(read, write, calls)
    else:
        async with streamable_http_client(sys.argv[2]) as streams:
            out = await run_session(streams[0], streams[1], calls)
    json.dump(out, sys.stdout)


asyncio.run(main())
