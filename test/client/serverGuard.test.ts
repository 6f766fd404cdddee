import { recorded } from './vscodeStub';
import { strict as assert } from 'node:assert';
import { runningClient, SERVER_NOT_RUNNING } from '../../client/src/serverGuard';
import { Commands } from '../../server/src/protocol';

const settle = () => new Promise((r) => setImmediate(r));

describe('commands with the server not running (with a stub vscode module)', () => {
  beforeEach(() => recorded.reset());

  it('hands over a running client and says nothing', () => {
    const c = { isRunning: () => true };
    assert.equal(runningClient(c), c);
    assert.deepEqual(recorded.warnings, []);
  });

  it('warns, offering Restart server and Show output, instead of sending a request that fails with "Client is not running"', async () => {
    assert.equal(runningClient({ isRunning: () => false }), undefined);
    assert.equal(runningClient(undefined), undefined);
    assert.deepEqual(recorded.warnings, [
      { message: SERVER_NOT_RUNNING, items: ['Restart server', 'Show output'] },
      { message: SERVER_NOT_RUNNING, items: ['Restart server', 'Show output'] },
    ]);
    await settle();
    assert.equal(recorded.commands.length, 0, 'dismissed: nothing run');
    recorded.answer = 'Restart server';
    runningClient({ isRunning: () => false });
    await settle();
    assert.deepEqual(
      recorded.commands.map((c) => c.command),
      [Commands.restartServer],
    );
  });
});
