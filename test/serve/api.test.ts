import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { readGroundTruthEvalSet } from '../../src/eval/ground-truth-set.js';
import { createServer } from '../../src/serve/create-server.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { getCuratedTube } from '../../src/store/tube-reviews.js';
import { listTubes, readTubeFrames } from '../../src/store/tubes.js';
import { loadSequences } from '../../src/train/data/store-sequences.js';
import { KeypointFeatureExtractor } from '../../src/train/features/keypoint-features.js';
import { createLogger } from '../../src/util/log.js';
import { ffprobePath } from '../../src/video/ffmpeg-binaries.js';
import { makeVideo } from '../helpers/make-video.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { CLIP, labelledClipDatabase, type TrackedTube } from './clip-database.js';

const dir = tempDir('hmmr-serve-api-');
const quietLog = createLogger('quiet', () => {});
let dbPath: string;
let tracked: TrackedTube[];
let db: Db;
let app: FastifyInstance;

before(async () => {
  ({ dbPath, tubes: tracked } = await labelledClipDatabase(dir));
  db = openDatabase(dbPath);
  app = createServer({ db, dbPath, readOnly: false, log: quietLog });
});

after(async () => {
  await app?.close();
  db?.close();
});

interface TubeJson {
  id: number;
  name: string;
  frameCount: number;
  split: string;
  review: { status: string; note: string; reviewedAt: string | null };
  quality: { frames: number; meanScore: number; visibleKeypoints: number; jitterPct: number | null; filledFrames: number };
}

interface TubeDetailJson extends TubeJson {
  format: { name: string; keypoints: string[]; limbs: [number, number][] };
  video: { id: number; width: number; height: number; durationSec: number; playback: string };
  frames: { frameIndex: number; timeSec: number; filled: boolean; box: number[]; crop: number[]; keypoints: number[] }[];
}

async function getJson<T>(url: string): Promise<T> {
  const response = await app.inject({ method: 'GET', url });
  assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
  return response.json() as T;
}

function patch(id: number | string, payload: unknown, target = app) {
  return target.inject({ method: 'PATCH', url: `/api/tubes/${id}`, payload: payload as object });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

test('GET /api/videos: the clip with its probe facts, its label run and its tubes', async () => {
  const { videos } = await getJson<{ videos: Record<string, unknown>[] }>('/api/videos');
  assert.equal(videos.length, 1);
  const video = videos[0]! as { [key: string]: unknown; labelRuns: { status: string; modelName: string; framesTotal: number; params: { fps: number } }[]; tubes: object };
  assert.deepEqual(
    [video.name, video.width, video.height, video.fps, video.frameCount, video.codec, video.playback],
    ['S02_tabletennis.mp4', 448, 600, 24, 381, 'h264', 'direct'],
  );
  assert.equal(video.labelRuns.length, 1);
  assert.equal(video.labelRuns[0]!.status, 'done');
  assert.equal(video.labelRuns[0]!.modelName, 'tfpose_mobilenet_v2_small');
  assert.equal(video.labelRuns[0]!.framesTotal, 64, '381 frames at 24 fps sampled at 4 fps');
  assert.deepEqual(video.tubes, { total: tracked.length, accepted: 0, rejected: 0, unreviewed: tracked.length });
});

test('GET /api/tubes lists the tracked tubes with quality figures; the detail has every frame at its decoded time and where the player is', async () => {
  const { tubes } = await getJson<{ tubes: TubeJson[] }>('/api/tubes?video=1');
  assert.deepEqual(tubes.map((t) => [t.id, t.name, t.frameCount]), tracked.map((t) => [t.id, t.name, t.frameCount]));
  for (const tube of tubes) {
    const stored = readTubeFrames(db, tube.id);
    const visible = stored.reduce((sum, frame) => sum + [...frame.keypoints].filter((_, i) => i % 3 === 2).filter((c) => c > 0).length, 0);
    assert.equal(tube.quality.frames, stored.length);
    assert.ok(Math.abs(tube.quality.visibleKeypoints - visible / stored.length) < 1e-9);
    assert.ok(tube.quality.meanScore > 0.2 && tube.quality.meanScore <= 1, `mean score ${tube.quality.meanScore}`);
    assert.equal(tube.review.status, 'unreviewed');
  }

  const detail = await getJson<TubeDetailJson>(`/api/tubes/${tracked[0]!.id}`);
  assert.equal(detail.format.name, 'coco18');
  assert.equal(detail.format.keypoints[1], 'neck');
  assert.deepEqual(detail.video, { id: 1, width: 448, height: 600, fps: 24, durationSec: detail.video.durationSec, playback: 'direct' });
  assert.equal(detail.frames.length, tracked[0]!.frameCount);
  assert.equal(detail.frames[0]!.frameIndex, tracked[0]!.firstFrame);
  detail.frames.forEach((frame, row) => {
    assert.equal(frame.frameIndex % 6, 0, 'labelled at 4 of 24 fps: every sixth frame');
    assert.ok(Math.abs(frame.timeSec - frame.frameIndex / 24) < 1e-3, `frame ${frame.frameIndex} at ${frame.timeSec} s`);
    const stored = readTubeFrames(db, detail.id)[row]!;
    assert.ok(frame.keypoints.every((v, i) => Math.abs(v - stored.keypoints[i]!) <= 0.051), 'keypoints as stored, to 0.1 px');
  });
  // The player stands in the middle of the 448-px-wide frame, upright: neck above hips, box inside the frame.
  const boxCentres = detail.frames.map((f) => f.box[0]! + f.box[2]! / 2);
  assert.ok(median(boxCentres) > 150 && median(boxCentres) < 380, `box centre x ${median(boxCentres)}`);
  const necks = detail.frames.filter((f) => f.keypoints[5]! > 0).map((f) => f.keypoints[4]!);
  const hips = detail.frames.filter((f) => f.keypoints[26]! > 0).map((f) => f.keypoints[25]!); // right_hip = 8
  assert.ok(median(necks) < median(hips) - 100, `neck y ${median(necks)}, hip y ${median(hips)}`);
});

test('media: the whole clip and byte ranges are the file\'s own bytes; a range past the end is 416', async () => {
  const bytes = readFileSync(CLIP);
  const whole = await app.inject({ method: 'GET', url: '/api/videos/1/media' });
  assert.equal(whole.statusCode, 200);
  assert.equal(whole.headers['content-type'], 'video/mp4');
  assert.equal(whole.headers['accept-ranges'], 'bytes');
  assert.ok(whole.rawPayload.equals(bytes));

  const middle = await app.inject({ method: 'GET', url: '/api/videos/1/media', headers: { range: 'bytes=1000-1999' } });
  assert.equal(middle.statusCode, 206);
  assert.equal(middle.headers['content-range'], `bytes 1000-1999/${bytes.length}`);
  assert.ok(middle.rawPayload.equals(bytes.subarray(1000, 2000)));
  const suffix = await app.inject({ method: 'GET', url: '/api/videos/1/media', headers: { range: 'bytes=-500' } });
  assert.ok(suffix.rawPayload.equals(bytes.subarray(bytes.length - 500)));
  const open = await app.inject({ method: 'GET', url: '/api/videos/1/media', headers: { range: `bytes=${bytes.length - 10}-` } });
  assert.ok(open.rawPayload.equals(bytes.subarray(bytes.length - 10)));

  const past = await app.inject({ method: 'GET', url: '/api/videos/1/media', headers: { range: `bytes=${bytes.length}-` } });
  assert.equal(past.statusCode, 416);
  assert.match(past.json<{ error: string }>().error, /outside the \d+-byte file/);
  assert.equal((await app.inject({ method: 'GET', url: '/api/videos/1/media', headers: { range: 'lines=1-2' } })).statusCode, 416);
});

test('PATCH stores decisions with their time; train, eval\'s selection, export and hmmr tubes list honour them', async () => {
  const [first, second, third] = tracked as [TrackedTube, TrackedTube, TrackedTube];
  const before = Date.now();
  const rejected = await patch(first.id, { status: 'rejected', note: 'two people merged' });
  assert.equal(rejected.statusCode, 200, rejected.body);
  const body = rejected.json<TubeJson>();
  assert.deepEqual([body.review.status, body.review.note, body.split], ['rejected', 'two people merged', 'train']);
  const moved = await patch(second.id, { split: 'val' });
  assert.equal(moved.statusCode, 200, moved.body);

  // The database, read on its own connection.
  const check = openDatabase(dbPath, { readonly: true });
  try {
    const stored = getCuratedTube(check, first.id)!;
    assert.deepEqual([stored.review.status, stored.review.note], ['rejected', 'two people merged']);
    assert.ok(Date.parse(stored.review.reviewedAt!) >= before - 1000 && Date.parse(stored.review.reviewedAt!) <= Date.now());
    assert.equal(getCuratedTube(check, second.id)!.split, 'val');
    assert.equal(getCuratedTube(check, second.id)!.review.status, 'unreviewed', 'a split alone leaves the status');
    assert.deepEqual(listTubes(check, { split: 'train', withoutRejected: true }).map((t) => t.id), tracked.slice(2).map((t) => t.id));
    const training = await loadSequences(check, dbPath, { split: 'train' }, { extractor: new KeypointFeatureExtractor(0.1) });
    assert.deepEqual(training.map((s) => Number(s.id)), tracked.slice(2).map((t) => t.id), 'training reads neither the rejected tube nor the val one');
  } finally {
    check.close();
  }

  const exported = await runCli(['export', '--format', 'json', '--out', join(dir, 'export'), '--db', dbPath]);
  assert.equal(exported.code, 0, exported.stderr);
  const names = (JSON.parse(readFileSync(join(dir, 'export', 'S02_tabletennis.tubes.json'), 'utf8')) as { tubes: { name: string }[] }).tubes.map((t) => t.name);
  assert.deepEqual(names, tracked.slice(1).map((t) => t.name), 'the rejected tube is not exported');

  const listed = await runCli(['tubes', 'list', '--status', 'rejected', '--json', '--db', dbPath]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual((JSON.parse(listed.stdout) as { tubes: TubeJson[] }).tubes.map((t) => [t.id, t.review.note]), [[first.id, 'two people merged']]);
  const set = await runCli(['tubes', 'set', String(third.id), '--accept', '--split', 'test', '--db', dbPath]);
  assert.equal(set.code, 0, set.stderr);
  assert.equal(set.stdout.trim(), `tube ${third.id} ${third.name}: accepted, test`);
  const table = await runCli(['tubes', 'list', '--min-frames', String(third.frameCount), '--db', dbPath]);
  assert.match(table.stdout, new RegExp(`^ +${third.id} +1 +${third.frameCount} .* accepted +test +${third.name.replace(/\//g, '\\/')}$`, 'm'));
  const missing = await runCli(['tubes', 'set', String(third.id), '99999', '--reject', '--db', dbPath]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no tube 99999 in .*clip\.db; nothing was changed/);
  assert.equal((await getJson<TubeJson>(`/api/tubes/${third.id}`)).review.status, 'accepted', 'the failed set changed nothing');
  const nothing = await runCli(['tubes', 'set', String(third.id), '--db', dbPath]);
  assert.equal(nothing.code, 1);
  assert.match(nothing.stderr, /say what to record/);
});

test('eval --checkpoint scores the test split\'s MoCap tubes without the rejected ones (ground truth and predictions select alike)', async () => {
  const scratch = join(dir, 'synth.db');
  const synth = await runCli(['synth', '--out', join(dir, 'synth'), '--sequences', '8', '--frames', '12', '--test-fraction', '0.5', '--db', scratch]);
  assert.equal(synth.code, 0, synth.stderr);
  const synthDb = openDatabase(scratch);
  try {
    const testTubes = listTubes(synthDb, { tier: 'mocap3d', split: 'test' });
    assert.ok(testTubes.length >= 2, `${testTubes.length} test tubes`);
    const rejected = testTubes[0]!;
    assert.equal((await runCli(['tubes', 'set', String(rejected.id), '--reject', '--db', scratch])).code, 0);
    const evalSet = readGroundTruthEvalSet(synthDb, scratch, 'test');
    assert.deepEqual(evalSet.sequences.map((sequence) => sequence.name), testTubes.slice(1).map((tube) => tube.name));
  } finally {
    synthDb.close();
  }
});

test('PATCH refuses each bad field by name with 400, an unknown tube with 404, and stores nothing', async () => {
  const id = tracked[2]!.id;
  const cases: [unknown, RegExp][] = [
    [{ status: 'maybe' }, /^status must be one of unreviewed, accepted, rejected; got "maybe"$/],
    [{ split: 'holdout' }, /^split must be one of train, val, test; got "holdout"$/],
    [{ note: 42 }, /^note must be a string; got 42$/],
    [{ note: 'x'.repeat(2001) }, /^note must be at most 2000 characters/],
    [{ status: 'accepted', colour: 'red' }, /^unknown field 'colour'/],
    [{}, /names none of status, split, note/],
    [[1, 2], /body must be a JSON object/],
  ];
  const before = await getJson<TubeJson>(`/api/tubes/${id}`);
  for (const [payload, message] of cases) {
    const response = await patch(id, payload);
    assert.equal(response.statusCode, 400, JSON.stringify(payload));
    assert.match(response.json<{ error: string }>().error, message);
  }
  const broken = await app.inject({ method: 'PATCH', url: `/api/tubes/${id}`, headers: { 'content-type': 'application/json' }, payload: '{"status": "rej' });
  assert.equal(broken.statusCode, 400);
  assert.match(broken.json<{ error: string }>().error, /not valid JSON/);
  const unknown = await patch(99999, { status: 'accepted' });
  assert.equal(unknown.statusCode, 404);
  assert.equal(unknown.json<{ error: string }>().error, 'no tube 99999');
  assert.deepEqual(await getJson<TubeJson>(`/api/tubes/${id}`), before);
});

test('bad requests get a 4xx with a message, never a crash, and no request path reaches the file system', async () => {
  const cases: [string, number, RegExp][] = [
    ['/api/tubes/abc', 400, /tube id must be a positive integer id, got "abc"/],
    ['/api/tubes/0', 400, /tube id must be a positive integer/],
    ['/api/tubes?video=../etc', 400, /^video must be a positive integer id/],
    ['/api/tubes?status=bogus', 400, /^status must be one of/],
    ['/api/tubes?minFrames=-3', 400, /^minFrames must be a positive integer/],
    ['/api/videos/7/media', 404, /^no video 7$/],
    ['/api/videos/1%2F..%2F..%2Fpackage.json/media', 400, /video id must be a positive integer/],
    ['/app/..%2F..%2F..%2Fpackage.json', 404, /no app file/],
    ['/app/../../package.json', 404, /no route|no app file/],
    ['/api/runs/1/metrics', 404, /start hmmr serve with --runs/],
    ['/etc/passwd', 404, /no route GET \/etc\/passwd/],
  ];
  for (const [url, status, message] of cases) {
    const response = await app.inject({ method: 'GET', url });
    assert.equal(response.statusCode, status, `${url}: ${response.body}`);
    assert.match(response.json<{ error: string }>().error, message, url);
  }
  const huge = await app.inject({ method: 'PATCH', url: `/api/tubes/${tracked[0]!.id}`, payload: { note: 'x'.repeat(100_000) } });
  assert.equal(huge.statusCode, 413);
  assert.equal((await app.inject({ method: 'GET', url: '/api/videos' })).statusCode, 200, 'still answering');
  const page = await app.inject({ method: 'GET', url: '/' });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<script type="module" src="\/app\/main.js">/);
});

test('a file that left the disk after ingest is a 404 naming it; one that changed is a 409', async () => {
  const copy = join(dir, 'copy.mp4');
  copyFileSync(CLIP, copy);
  const scratch = join(dir, 'scratch.db');
  assert.equal((await runCli(['ingest', copy, '--db', scratch])).code, 0);
  const scratchDb = openDatabase(scratch);
  const server = createServer({ db: scratchDb, dbPath: scratch, readOnly: false, log: quietLog });
  try {
    writeFileSync(copy, Buffer.concat([readFileSync(CLIP), Buffer.from('tail')]));
    const changed = await server.inject({ method: 'GET', url: '/api/videos/1/media' });
    assert.equal(changed.statusCode, 409);
    assert.match(changed.json<{ error: string }>().error, /changed since it was ingested .*copy\.mp4/);
    rmSync(copy);
    const gone = await server.inject({ method: 'GET', url: '/api/videos/1/media' });
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.json<{ error: string }>().error, `the file of video 1 is gone from ${copy}`);
  } finally {
    await server.close();
    scratchDb.close();
  }
});

test('a format the browser cannot play is transcoded on the fly to WebM/VP8 from the asked time', async () => {
  const avi = makeVideo(join(dir, 'old.avi'), { width: 96, height: 64, fps: 25, frames: 50, codec: 'mpeg4' });
  const scratch = join(dir, 'transcode.db');
  assert.equal((await runCli(['ingest', avi, '--db', scratch])).code, 0);
  const scratchDb = openDatabase(scratch);
  const server = createServer({ db: scratchDb, dbPath: scratch, readOnly: false, log: quietLog });
  try {
    const { videos } = (await server.inject({ method: 'GET', url: '/api/videos' })).json<{ videos: { codec: string; playback: string }[] }>();
    assert.deepEqual([videos[0]!.codec, videos[0]!.playback], ['mpeg4', 'transcode']);
    const response = await server.inject({ method: 'GET', url: '/api/videos/1/media?start=1' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'video/webm');
    const webm = join(dir, 'received.webm');
    writeFileSync(webm, response.rawPayload);
    const probe = JSON.parse(execFileSync(ffprobePath(), ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_name,width,height,nb_read_frames', '-of', 'json', webm], { encoding: 'utf8' })) as {
      streams: { codec_name: string; width: number; height: number; nb_read_frames: string }[];
    };
    assert.deepEqual(probe.streams.map((s) => [s.codec_name, s.width, s.height, Number(s.nb_read_frames)]), [['vp8', 96, 64, 25]], 'the last second: 25 of 50 frames');
    const late = await server.inject({ method: 'GET', url: '/api/videos/1/media?start=9' });
    assert.equal(late.statusCode, 400);
    assert.match(late.json<{ error: string }>().error, /^start must be a time in seconds between 0 and 2/);
  } finally {
    await server.close();
    scratchDb.close();
  }
});

test('--read-only: decisions are refused with 403 and the database is not touched', async () => {
  const readOnlyDb = openDatabase(dbPath, { readonly: true });
  const server = createServer({ db: readOnlyDb, dbPath, readOnly: true, log: quietLog });
  try {
    const id = tracked[2]!.id;
    const before = (await server.inject({ method: 'GET', url: `/api/tubes/${id}` })).json<TubeJson>();
    const refused = await patch(id, { status: 'rejected' }, server);
    assert.equal(refused.statusCode, 403);
    assert.match(refused.json<{ error: string }>().error, /--read-only/);
    assert.deepEqual((await server.inject({ method: 'GET', url: `/api/tubes/${id}` })).json<TubeJson>(), before);
  } finally {
    await server.close();
    readOnlyDb.close();
  }
});

test('runs: curves from each run folder\'s metrics.jsonl (a torn last line skipped), the eval reports of its checkpoints, and hmmr predict\'s 3D joints per tube', async () => {
  const runs = join(dir, 'runs');
  const run = join(runs, 'cpu1');
  mkdirSync(join(run, 'ckpt-00000020'), { recursive: true });
  mkdirSync(join(runs, 'not-a-run'));
  writeFileSync(join(run, 'metrics.jsonl'), '{"step":10,"encoderLoss":3.5,"terms":{"kp":0.5}}\n{"step":20,"encoderLoss":2.25,"terms":{"kp":0.25}}\n{"step":30,"encoderLo');
  const report = { checkpoint: join(run, 'ckpt-00000020'), step: 20, config: 'cpu', split: 'test', report: { rows: [{ key: 'mpjpe', label: 'MPJPE', unit: 'mm', perSequence: 101.5, allFrames: 99.5, counted: 24 }] } };
  writeFileSync(join(runs, 'eval-report.json'), JSON.stringify(report));
  writeFileSync(join(runs, 'other.json'), '{"checkpoint": 3}');
  const server = createServer({ db, dbPath, readOnly: false, runsDir: runs, log: quietLog });
  try {
    const listed = (await server.inject({ method: 'GET', url: '/api/runs' })).json<{ runs: { id: number; name: string }[] }>();
    assert.deepEqual(listed.runs.map((r) => [r.id, r.name]), [[1, 'cpu1']]);
    const curves = (await server.inject({ method: 'GET', url: '/api/runs/1/metrics' })).json<{ metrics: { step: number; encoderLoss: number }[]; evaluations: { file: string; step: number; report: unknown }[] }>();
    assert.deepEqual(curves.metrics.map((m) => [m.step, m.encoderLoss]), [[10, 3.5], [20, 2.25]]);
    assert.deepEqual(curves.evaluations.map((e) => [e.file, e.step, e.report]), [[join(runs, 'eval-report.json'), 20, report.report]]);
    assert.equal((await server.inject({ method: 'GET', url: '/api/runs/2/metrics' })).statusCode, 404);

    // hmmr predict's JSON in the run folder: shown on the tube with that id AND name only.
    const joints = (shift: number) => Array.from({ length: 14 }, (_, j) => [j * 0.01 + shift, -j * 0.1, 3]);
    const [first, second] = tracked as [TrackedTube, TrackedTube];
    writeFileSync(join(run, 'pred.json'), JSON.stringify({
      format: 'hmmr-predictions', version: 1, checkpoint: join(run, 'ckpt-00000020'), step: 20, jointSet: 'lsp14',
      tubes: [
        { tubeId: first.id, name: first.name, frames: [{ frameIndex: first.firstFrame, joints3d: joints(0) }, { frameIndex: first.firstFrame + 6, joints3d: joints(0.5) }] },
        { tubeId: second.id, name: 'another-database/track9/part0', frames: [{ frameIndex: 0, joints3d: joints(0) }] },
      ],
    }));
    const shown = (await server.inject({ method: 'GET', url: `/api/tubes/${first.id}/predictions` })).json<{ joints: string[]; bones: number[][]; predictions: { file: string; step: number; frames: { frameIndex: number; joints3d: number[] }[] }[] }>();
    assert.equal(shown.joints.length, 14);
    assert.equal(shown.bones.length, 15);
    assert.deepEqual(shown.predictions.map((p) => [p.file, p.step, p.frames.map((f) => f.frameIndex)]), [[join(run, 'pred.json'), 20, [first.firstFrame, first.firstFrame + 6]]]);
    assert.deepEqual(shown.predictions[0]!.frames[1]!.joints3d.slice(0, 6), [0.5, 0, 3, 0.51, -0.1, 3]);
    const other = (await server.inject({ method: 'GET', url: `/api/tubes/${second.id}/predictions` })).json<{ predictions: unknown[] }>();
    assert.deepEqual(other.predictions, [], 'a prediction of another database\'s tube with the same id is not shown');
    assert.equal((await app.inject({ method: 'GET', url: `/api/tubes/${first.id}/predictions` })).json<{ predictions: unknown[] }>().predictions.length, 0, 'no --runs, no predictions');
  } finally {
    await server.close();
  }
});

test('hmmr serve refuses a --db that does not exist (it would serve a new empty database) and a bad --port', async () => {
  const missing = join(dir, 'typo.db');
  const result = await runCli(['serve', '--db', missing]);
  assert.equal(result.code, 1);
  assert.equal(result.stderr.trim(), `hmmr: ${missing}: no database here; hmmr ingest creates one, or pass --db <file>`);
  assert.ok(!existsSync(missing), 'nothing was created');
  const port = await runCli(['serve', '--db', dbPath, '--port', '70000']);
  assert.equal(port.code, 1);
  assert.match(port.stderr, /--port must be an integer 0\.\.65535, got 70000/);
});

test('access: a loopback server answers loopback Host names only; elsewhere the token is required (query once → cookie, or Bearer)', async () => {
  for (const host of ['localhost:8737', '127.0.0.1:8737', '[::1]:8737']) {
    assert.equal((await app.inject({ method: 'GET', url: '/api/videos', headers: { host } })).statusCode, 200, host);
  }
  const rebound = await app.inject({ method: 'GET', url: '/api/videos', headers: { host: 'attacker.example:8737' } });
  assert.equal(rebound.statusCode, 403);

  const token = 'a-token-of-the-right-shape-0123456789';
  const server = createServer({ db, dbPath, readOnly: false, token, log: quietLog });
  try {
    const headers = { host: '192.168.1.20:8737' };
    const anonymous = await server.inject({ method: 'GET', url: '/api/videos', headers });
    assert.equal(anonymous.statusCode, 401);
    assert.match(anonymous.json<{ error: string }>().error, /access token printed when it started/);
    assert.equal((await server.inject({ method: 'GET', url: '/?token=wrong', headers })).statusCode, 401);
    const first = await server.inject({ method: 'GET', url: `/?token=${token}`, headers });
    assert.equal(first.statusCode, 200);
    const cookie = String(first.headers['set-cookie']);
    assert.match(cookie, /^hmmr_token=.*; HttpOnly; SameSite=Strict/);
    assert.equal((await server.inject({ method: 'GET', url: '/api/videos/1/media', headers: { ...headers, cookie: cookie.split(';')[0]!, range: 'bytes=0-9' } })).statusCode, 206);
    assert.equal((await server.inject({ method: 'GET', url: '/api/videos', headers: { ...headers, authorization: `Bearer ${token}` } })).statusCode, 200);
    assert.equal((await server.inject({ method: 'PATCH', url: `/api/tubes/${tracked[2]!.id}`, payload: { note: 'x' }, headers })).statusCode, 401);
  } finally {
    await server.close();
  }
});
