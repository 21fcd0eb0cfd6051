import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlugnmeetSimulator } from '../../infra/local/plugnmeet-simulator';
import { startTestStack, waitFor, type TestStack } from '../helpers/local-stack';

// REQUIRE_PRESENTER=true: the worker holds a room's files until getActiveRoomInfo lists a presenter.
let stack: TestStack;
let simulator: PlugnmeetSimulator;

beforeAll(async () => {
  stack = await startTestStack({ settings: { REQUIRE_PRESENTER: 'true' } });
  simulator = stack.simulator as PlugnmeetSimulator;
});

afterAll(async () => {
  await stack?.stop();
});

describe('presenter rule', () => {
  it('delivers only once a presenter joins', async () => {
    // Prepare: the room is running, with a participant who is not the presenter.
    simulator.createRoom('class-p', { status: 'active' });
    simulator.addParticipant('class-p', { identity: 'student-1', isPresenter: false });

    // Act
    await stack.putSample('rooms/class-p/slides.pdf', 'sample.pdf');
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const uploadsBeforePresenter = simulator.uploads.filter((upload) => upload.roomId === 'class-p').length;
    simulator.addParticipant('class-p', { identity: 'teacher', isPresenter: true, isAdmin: true });
    await waitFor(() => simulator.uploads.some((upload) => upload.roomId === 'class-p' && upload.httpStatus === 200), 'the file delivered');

    // Assess: no upload request was sent while the room had no presenter.
    expect(uploadsBeforePresenter).toBe(0);
    expect(simulator.uploads.filter((upload) => upload.roomId === 'class-p')).toHaveLength(1);
  });

  it('answers a push with 409 while no presenter is there', async () => {
    // Prepare
    simulator.createRoom('class-q', { status: 'active' });
    await stack.putSample('files/slides.pdf', 'sample.pdf');

    // Act
    const response = await stack.api('/rooms/class-q/files', { key: 'files/slides.pdf' });

    // Assess
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ code: 'PRESENTER_MISSING' });
    expect(simulator.uploads.filter((upload) => upload.roomId === 'class-q')).toHaveLength(0);
  });
});
