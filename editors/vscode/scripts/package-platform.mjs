// Builds the platform .vsix of this machine (e.g. `pacto-linux-x64-0.1.0.vsix`) with the server inside, at
// `server/pacto[.exe]`, where the extension looks before PATH. The binary is $PACTO_BIN, else the release build.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const extensionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoDir = join(extensionDir, '..', '..');
const exe = process.platform === 'win32' ? 'pacto.exe' : 'pacto';
const binary = process.env.PACTO_BIN || join(repoDir, 'target', 'release', exe);
// VS Code's platform names are node's `${platform}-${arch}` for the platforms it publishes for.
const target = `${process.platform}-${process.arch}`;
const supported = ['linux-x64', 'linux-arm64', 'linux-armhf', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];

if (!supported.includes(target)) {
    console.error(`package:platform: VS Code has no platform ${target}; build the universal package instead`);
    process.exit(1);
}
if (!existsSync(binary)) {
    console.error(`package:platform: no server at ${binary}: run 'cargo build --release -p pacto' or set PACTO_BIN`);
    process.exit(1);
}
const { version } = JSON.parse(readFileSync(join(extensionDir, 'package.json'), 'utf8'));
const serverDir = join(extensionDir, 'server');
rmSync(serverDir, { recursive: true, force: true });
mkdirSync(serverDir);
try {
    copyFileSync(binary, join(serverDir, exe));
    chmodSync(join(serverDir, exe), 0o755);
    const vsce = join(extensionDir, 'node_modules', '.bin', process.platform === 'win32' ? 'vsce.cmd' : 'vsce');
    const out = `pacto-${target}-${version}.vsix`;
    execFileSync(vsce, ['package', '--no-dependencies', '--target', target, '--out', out], {
        cwd: extensionDir,
        stdio: 'inherit',
    });
} finally {
    // The universal package must not pick the binary up.
    rmSync(serverDir, { recursive: true, force: true });
}
