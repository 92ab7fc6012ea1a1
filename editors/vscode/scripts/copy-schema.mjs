// Copies the contract schema into the extension for `contributes.yamlValidation`; git keeps only the original.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const extensionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(extensionDir, '..', '..', 'schemas', 'pacto-v1.0.schema.json');
const target = join(extensionDir, 'schemas', 'pacto-v1.0.schema.json');
mkdirSync(dirname(target), { recursive: true });
copyFileSync(source, target);
