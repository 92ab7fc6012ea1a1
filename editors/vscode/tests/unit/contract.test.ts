// Which documents are contracts: the first-key rule of the Neovim plugin, and the names.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
    type DocumentLike,
    FIRST_KEY_LINES,
    firstKeyIsPactoVersion,
    isContractDocument,
    isContractName,
} from '../../src/contract';

function firstKey(text: string): boolean {
    return firstKeyIsPactoVersion(text.split(/\r?\n/));
}

function doc(fileName: string, text: string, languageId = 'yaml', scheme = 'file'): DocumentLike {
    const lines = text.split('\n');
    return {
        uri: { scheme, toString: () => `${scheme}://${fileName}` },
        fileName,
        languageId,
        lineCount: lines.length,
        lineAt: (line) => ({ text: lines[line] }),
    };
}

describe('firstKeyIsPactoVersion', () => {
    test('the key on the first line, bare or quoted either way', () => {
        assert.equal(firstKey('pactoVersion: "1.0"\nservice: {}\n'), true);
        assert.equal(firstKey('pactoVersion  : "1.0"'), true);
        assert.equal(firstKey('"pactoVersion": "1.0"'), true);
        assert.equal(firstKey("'pactoVersion': '1.0'"), true);
    });

    test('comments, blank lines, directives and the document marker may come first', () => {
        assert.equal(
            firstKey('# a contract\n\n   \n  # indented comment\n%YAML 1.2\n---\npactoVersion: "1.0"\n'),
            true,
        );
        assert.equal(firstKey('---  \r\npactoVersion: "1.0"\r\n'), true);
        assert.equal(firstKey('\uFEFF# with a byte order mark\npactoVersion: "1.0"\n'), true);
        assert.equal(firstKey('\uFEFFpactoVersion: "1.0"\n'), true);
    });

    test('another first key, even with pactoVersion after it', () => {
        assert.equal(firstKey('service: {}\npactoVersion: "1.0"\n'), false);
        assert.equal(firstKey('apiVersion: v1\nkind: Pod\n'), false);
    });

    test('the key must be at column 0 and be exactly pactoVersion', () => {
        assert.equal(firstKey('  pactoVersion: "1.0"'), false);
        assert.equal(firstKey('pactoVersions: "1.0"'), false);
        assert.equal(firstKey('pactoversion: "1.0"'), false);
        assert.equal(firstKey('pactoVersion "1.0"'), false);
        assert.equal(firstKey('- pactoVersion: "1.0"'), false);
    });

    test('a marker with content after it, or a sequence, is the first node', () => {
        assert.equal(firstKey('--- # comment\npactoVersion: "1.0"\n'), false);
        assert.equal(firstKey('--- pactoVersion: "1.0"\n'), false);
        assert.equal(firstKey('...\npactoVersion: "1.0"\n'), false);
    });

    test('empty, or only comments: not a contract', () => {
        assert.equal(firstKey(''), false);
        assert.equal(firstKey('# pactoVersion: "1.0"\n\n'), false);
    });

    test(`the key is looked for in the first ${FIRST_KEY_LINES} lines only`, () => {
        const comments = (n: number) => '#\n'.repeat(n);
        assert.equal(firstKey(`${comments(FIRST_KEY_LINES - 1)}pactoVersion: "1.0"\n`), true);
        assert.equal(firstKey(`${comments(FIRST_KEY_LINES)}pactoVersion: "1.0"\n`), false);
    });

    test('stops reading at the limit', () => {
        let nRead = 0;
        function* endless(): Generator<string> {
            for (;;) {
                nRead++;
                yield '#';
            }
        }
        assert.equal(firstKeyIsPactoVersion(endless()), false);
        assert.equal(nRead, FIRST_KEY_LINES);
    });
});

describe('isContractName', () => {
    test('pacto.yaml and pacto.yml in any directory, nothing else', () => {
        assert.equal(isContractName('/ws/svc/pacto.yaml'), true);
        assert.equal(isContractName('/ws/svc/pacto.yml'), true);
        assert.equal(isContractName('C:\\ws\\svc\\pacto.yml'), true);
        assert.equal(isContractName('pacto.yaml'), true);
        assert.equal(isContractName('/ws/svc/Pacto.yaml'), false);
        assert.equal(isContractName('/ws/svc/my-pacto.yaml'), false);
        assert.equal(isContractName('/ws/pacto.yaml/values.yaml'), false);
    });
});

describe('isContractDocument', () => {
    test('a contract name whatever the text or language', () => {
        assert.equal(isContractDocument(doc('/ws/pacto.yml', '')), true);
        assert.equal(isContractDocument(doc('/ws/pacto.yaml', 'name: x', 'plaintext')), true);
    });

    test('other YAML files by their first key', () => {
        assert.equal(isContractDocument(doc('/ws/svc.yaml', '# svc\npactoVersion: "1.0"\n')), true);
        assert.equal(isContractDocument(doc('/ws/values.yaml', 'replicas: 2\n')), false);
    });

    test('the first key counts only in YAML documents', () => {
        assert.equal(isContractDocument(doc('/ws/notes.txt', 'pactoVersion: "1.0"\n', 'plaintext')), false);
    });

    test('only files on disk', () => {
        assert.equal(isContractDocument(doc('/ws/pacto.yaml', 'pactoVersion: "1.0"\n', 'yaml', 'untitled')), false);
        assert.equal(isContractDocument(doc('/ws/svc.yaml', 'pactoVersion: "1.0"\n', 'yaml', 'git')), false);
    });

    test('reads no line past the limit of a long document', () => {
        const lines: number[] = [];
        const long: DocumentLike = {
            uri: { scheme: 'file', toString: () => 'file:///ws/long.yaml' },
            fileName: '/ws/long.yaml',
            languageId: 'yaml',
            lineCount: 100_000,
            lineAt: (line) => {
                lines.push(line);
                return { text: '' };
            },
        };
        assert.equal(isContractDocument(long), false);
        assert.equal(lines.length, FIRST_KEY_LINES);
        assert.equal(lines[lines.length - 1], FIRST_KEY_LINES - 1);
    });
});
