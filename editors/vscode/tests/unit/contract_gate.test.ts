// The contract gate's decisions, message by message, and the lazy start; against the real server in tests/e2e.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { type DocumentLike } from '../../src/contract';
import { ContractGate, DID_CLOSE, DID_OPEN, gateMiddleware, StartOnContract } from '../../src/contract_gate';

class Doc implements DocumentLike {
    readonly uri: { scheme: string; toString(): string };
    readonly languageId = 'yaml';

    constructor(
        readonly fileName: string,
        public text: string,
    ) {
        this.uri = { scheme: 'file', toString: () => `file://${fileName}` };
    }

    get lineCount(): number {
        return this.text.split('\n').length;
    }

    lineAt(line: number): { text: string } {
        return { text: this.text.split('\n')[line] };
    }
}

const CONTRACT = 'pactoVersion: "1.0"\n';

/** A gate whose messages are recorded as `method file`, as they would reach the server. */
function setup() {
    const wire: string[] = [];
    const send = (method: string, doc: Doc) =>
        middleware.sendNotification(
            method,
            (method) => {
                wire.push(`${method} ${doc.fileName}`);
                return Promise.resolve();
            },
            { textDocument: { uri: doc.uri.toString() } },
        );
    const sendOpen = (doc: Doc) => send(DID_OPEN, doc);
    const sendClose = (doc: Doc) => send(DID_CLOSE, doc);
    const gate: ContractGate<Doc> = new ContractGate<Doc>({
        open: (doc) => middleware.didOpen(doc, sendOpen),
        close: (doc) => middleware.didClose(doc, sendClose),
    });
    const middleware = gateMiddleware(gate);
    const change = (doc: Doc, text: string) => {
        doc.text = text;
        return middleware.didChange({ document: doc }, (event) => send('textDocument/didChange', event.document));
    };
    const request = (doc: Doc) =>
        middleware.sendRequest('textDocument/hover', { textDocument: { uri: doc.uri.toString() } }, undefined, () => {
            wire.push(`textDocument/hover ${doc.fileName}`);
            return Promise.resolve('answer');
        });
    const direct = (method: string) => (doc: Doc) => {
        wire.push(`${method} ${doc.fileName}`);
        return Promise.resolve();
    };
    return { wire, gate, middleware, sendOpen, sendClose, change, request, direct };
}

describe('ContractGate', () => {
    test('a plain YAML document: nothing reaches the server, requests are answered null', async () => {
        const { wire, middleware, sendOpen, sendClose, change, request, direct } = setup();
        const plain = new Doc('/ws/values.yaml', 'replicas: 2\n');
        await middleware.didOpen(plain, sendOpen);
        await change(plain, 'replicas: 3\n');
        assert.equal(await request(plain), null);
        // Straight to the record, not through the send middleware: the sync middleware alone must hold these back.
        await middleware.didSave(plain, direct('textDocument/didSave'));
        await middleware.willSave({ document: plain }, (event) => direct('textDocument/willSave')(event.document));
        assert.deepEqual(await middleware.willSaveWaitUntil({ document: plain }, () => Promise.resolve(['edit'])), []);
        await middleware.didClose(plain, sendClose);
        assert.deepEqual(wire, []);
    });

    test('a contract: opened, edited, asked about, closed', async () => {
        const { wire, gate, middleware, sendOpen, sendClose, change, request, direct } = setup();
        const named = new Doc('/ws/pacto.yml', '');
        await middleware.didOpen(named, sendOpen);
        assert.equal(gate.holds('file:///ws/pacto.yml'), true);
        await change(named, 'service: {}\n');
        assert.equal(await request(named), 'answer');
        await middleware.didSave(named, direct('textDocument/didSave'));
        assert.deepEqual(await middleware.willSaveWaitUntil({ document: named }, () => Promise.resolve(['edit'])), [
            'edit',
        ]);
        await middleware.didClose(named, sendClose);
        assert.equal(gate.holds('file:///ws/pacto.yml'), false);
        assert.deepEqual(wire, [
            'textDocument/didOpen /ws/pacto.yml',
            'textDocument/didChange /ws/pacto.yml',
            'textDocument/hover /ws/pacto.yml',
            'textDocument/didSave /ws/pacto.yml',
            'textDocument/didClose /ws/pacto.yml',
        ]);
    });

    test('an edit that makes a contract opens it; one that unmakes it closes it; closing it then sends nothing', async () => {
        const { wire, gate, middleware, sendOpen, sendClose, change } = setup();
        const doc = new Doc('/ws/svc.yaml', 'name: svc\n');
        await middleware.didOpen(doc, sendOpen);
        await change(doc, CONTRACT);
        assert.equal(gate.holds('file:///ws/svc.yaml'), true);
        await change(doc, `${CONTRACT}service: {}\n`);
        await change(doc, `name: svc\n${CONTRACT}`);
        assert.equal(gate.holds('file:///ws/svc.yaml'), false);
        await change(doc, 'name: svc2\n');
        await middleware.didClose(doc, sendClose);
        assert.deepEqual(wire, [
            'textDocument/didOpen /ws/svc.yaml',
            'textDocument/didChange /ws/svc.yaml',
            'textDocument/didClose /ws/svc.yaml',
        ]);
    });

    test('messages about no document always pass', () => {
        const { gate } = setup();
        assert.equal(gate.admits('workspace/executeCommand', { command: 'pacto.showDiff', arguments: [] }), true);
        assert.equal(gate.admits('initialized', {}), true);
        assert.equal(gate.admits('shutdown', undefined), true);
        assert.equal(gate.admits('textDocument/hover', { textDocument: {} }), true);
    });

    test('a didOpen that did not come through the sync middleware is dropped', () => {
        const { gate } = setup();
        assert.equal(gate.admits(DID_OPEN, { textDocument: { uri: 'file:///ws/pacto.yaml', text: '' } }), false);
        assert.equal(gate.admits(DID_CLOSE, { textDocument: { uri: 'file:///ws/pacto.yaml' } }), false);
    });
});

describe('StartOnContract', () => {
    test('plain YAML does not start the server; the first contract does, once', async () => {
        let nStarts = 0;
        const starter = new StartOnContract(() => {
            nStarts++;
            return Promise.resolve();
        });
        assert.equal(starter.offer(new Doc('/ws/values.yaml', 'replicas: 2\n')), undefined);
        assert.equal(starter.started, false);
        await starter.offer(new Doc('/ws/svc.yaml', CONTRACT));
        assert.equal(starter.offer(new Doc('/ws/pacto.yaml', '')), undefined);
        assert.equal(starter.startNow(), undefined);
        assert.equal(nStarts, 1);
    });

    test('the workspace holds a contract: started without one being open', async () => {
        let nStarts = 0;
        const starter = new StartOnContract(() => {
            nStarts++;
            return Promise.resolve();
        });
        await starter.startNow();
        assert.equal(starter.offer(new Doc('/ws/pacto.yaml', '')), undefined);
        assert.equal(nStarts, 1);
    });

    test('a failed start is reported by the offer that began it, and not retried on the next contract', async () => {
        let nStarts = 0;
        const starter = new StartOnContract(() => {
            nStarts++;
            return Promise.reject(new Error('no pacto'));
        });
        await assert.rejects(starter.offer(new Doc('/ws/pacto.yaml', ''))!, /no pacto/);
        assert.equal(starter.offer(new Doc('/ws/other/pacto.yaml', '')), undefined);
        assert.equal(nStarts, 1);
    });
});
