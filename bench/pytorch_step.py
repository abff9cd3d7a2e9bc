#!/usr/bin/env python3
"""
One HMMR training step in PyTorch, for bench/train.bench.ts to compare against: the same layers,
widths and losses as src/train (temporal encoder with group norm, f_3D and the two f_dt heads with
3 IEF iterations, the hallucinator and its branches, the factorised discriminator, LSGAN, Adam for
both sides, batch 8 x 20 frames). The body model is a fixed random linear map from (pose, shape)
to the 25 keypoints plus Rodrigues for the rotations, the same surrogate the bench's
"linear body" row uses on our side, so both sides do the same arithmetic.

Prints one JSON line: {"msPerStep": ..., "cpuMsPerStep": ..., "threads": ..., "torch": "...", "blas": "..."}
(cpuMsPerStep: process CPU time, all threads, a steadier figure than wall time on a shared machine).
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def variance_scaling_(weight, factor, fan_in, fan_out):
    limit = math.sqrt(3.0 * factor / ((fan_in + fan_out) / 2.0))
    with torch.no_grad():
        weight.uniform_(-limit, limit)


class Block(nn.Module):
    def __init__(self, width, groups):
        super().__init__()
        self.gn1 = nn.GroupNorm(groups, width, eps=1e-6)
        self.conv1 = nn.Conv1d(width, width, 3, padding=1)
        self.gn2 = nn.GroupNorm(groups, width, eps=1e-6)
        self.conv2 = nn.Conv1d(width, width, 3, padding=1)
        variance_scaling_(self.conv2.weight, 0.001, 3 * width, 3 * width)

    def forward(self, x):  # [B, C, T]
        h = self.conv1(F.relu(self.gn1(x)))
        return x + self.conv2(F.relu(self.gn2(h)))


class Ief(nn.Module):
    def __init__(self, width, state, hidden, iterations, dropout):
        super().__init__()
        self.fc1 = nn.Linear(width + state, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.fc3 = nn.Linear(hidden, state)
        variance_scaling_(self.fc3.weight, 0.01, hidden, state)
        self.iterations = iterations
        self.dropout = dropout

    def forward(self, phi, start):
        state = start
        for _ in range(self.iterations):
            h = F.dropout(F.relu(self.fc1(torch.cat([phi, state], 1))), self.dropout, self.training)
            h = F.dropout(F.relu(self.fc2(h)), self.dropout, self.training)
            state = state + self.fc3(h)
        return state


class Hallucinator(nn.Module):
    def __init__(self, width, hidden):
        super().__init__()
        self.fc1 = nn.Linear(width, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.fc3 = nn.Linear(hidden, width)
        variance_scaling_(self.fc3.weight, 0.001, hidden, width)

    def forward(self, phi):
        return phi + self.fc3(F.relu(self.fc2(F.relu(self.fc1(phi)))))


class Encoder(nn.Module):
    def __init__(self, features, width, hal_hidden, ief_hidden=1024, blocks=3, groups=32, dropout=0.5):
        super().__init__()
        self.embedding = nn.Linear(features, width)
        self.blocks = nn.ModuleList([Block(width, groups) for _ in range(blocks)])
        theta = torch.zeros(1, 85)
        theta[0, 0] = 0.9
        theta[0, 3] = math.pi
        self.mean_theta = nn.Parameter(theta)
        self.f3d = Ief(width, 85, ief_hidden, 3, dropout)
        self.past = Ief(width, 72, ief_hidden, 3, dropout)
        self.future = Ief(width, 72, ief_hidden, 3, dropout)
        self.hallucinator = Hallucinator(width, hal_hidden)

    def heads(self, strip):
        theta = self.f3d(strip, self.mean_theta.expand(strip.shape[0], -1))
        pose = theta[:, 3:75]
        return theta, self.past(strip, pose), self.future(strip, pose)

    def forward(self, features):  # [B, T, F]
        b, t, _ = features.shape
        phi = self.embedding(features)
        x = phi.transpose(1, 2)
        for block in self.blocks:
            x = block(x)
        strip = x.transpose(1, 2).reshape(b * t, -1)
        hal = self.hallucinator(phi.reshape(b * t, -1))
        theta, past, future = self.heads(torch.cat([strip, hal], 0))
        return strip, hal, theta, past, future


class Discriminator(nn.Module):
    def __init__(self, channels=32, hidden=1024):
        super().__init__()
        self.conv1 = nn.Linear(9, channels)
        self.conv2 = nn.Linear(channels, channels)
        self.head_w = nn.Parameter(torch.empty(23, channels))
        variance_scaling_(self.head_w, 1.0, channels, 1)
        self.head_b = nn.Parameter(torch.zeros(23))
        self.full1 = nn.Linear(23 * channels, hidden)
        self.full2 = nn.Linear(hidden, hidden)
        self.full_out = nn.Linear(hidden, 1)

    def forward(self, rotations):  # [N, 23, 9]
        h = F.relu(self.conv2(F.relu(self.conv1(rotations))))
        joints = (h * self.head_w).sum(2) + self.head_b
        full = self.full_out(F.relu(self.full2(F.relu(self.full1(h.reshape(h.shape[0], -1))))))
        return torch.cat([joints, full], 1)


def rodrigues(pose):  # [N, 72] -> [N, 24, 9]
    aa = pose.reshape(-1, 3)
    angle = torch.norm(aa + 1e-8, dim=1, keepdim=True)
    r = aa / angle
    x, y, z = r[:, 0:1], r[:, 1:2], r[:, 2:3]
    c, s = torch.cos(angle), torch.sin(angle)
    C = 1 - c
    m = torch.cat([c + x * x * C, x * y * C - z * s, x * z * C + y * s,
                   y * x * C + z * s, c + y * y * C, y * z * C - x * s,
                   z * x * C - y * s, z * y * C + x * s, c + z * z * C], 1)
    return m.reshape(pose.shape[0], 24, 9)


def weighted_mean(values, weights):
    w = weights.expand_as(values)
    return (values * w).sum() / w.sum().clamp(min=1e-8)


def kp_loss(gt, pred2d):
    return weighted_mean((gt[..., :2] - pred2d).abs(), gt[..., 2:3])


def solve_cameras(pred, gt):  # closed form, no gradient
    with torch.no_grad():
        vis = (gt[..., 2:3] > 0).float()
        n = vis.sum(1, keepdim=True).clamp(min=1)
        mu_p = (pred * vis).sum(1, keepdim=True) / n
        mu_g = (gt[..., :2] * vis).sum(1, keepdim=True) / n
        X = (pred - mu_p) * vis
        Y = (gt[..., :2] - mu_g) * vis
        A = X.transpose(1, 2) @ X + 1e-6 * torch.eye(2)
        B = X.transpose(1, 2) @ Y
        s = (torch.linalg.solve(A, B).diagonal(dim1=1, dim2=2).sum(1) / 2).clamp(0.7, 10)
        t = mu_g[:, 0] / s[:, None] - mu_p[:, 0]
        return torch.cat([s[:, None], t], 1)


def project(points, cams):
    return cams[:, None, 0:1] * (points[..., :2] + cams[:, None, 1:3])


def loaded_blas():
    """The BLAS library this process actually mapped (Debian's torch links libblas.so.3, an alternative)."""
    with open('/proc/self/maps') as maps:
        paths = {line.split()[-1] for line in maps if 'blas' in line.lower() and '/' in line}
    return ', '.join(sorted(paths)) or 'none mapped'


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--width', type=int, default=512)
    parser.add_argument('--hal-hidden', type=int, default=None)
    parser.add_argument('--batch', type=int, default=8)
    parser.add_argument('--frames', type=int, default=20)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--steps', type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    b, t, delta = args.batch, args.frames, 5
    n = b * t
    encoder = Encoder(75, args.width, args.hal_hidden or args.width)
    disc = Discriminator()
    body = torch.randn(82, 75) * 0.1
    e_opt = torch.optim.Adam(encoder.parameters(), lr=1e-5)
    d_opt = torch.optim.Adam(disc.parameters(), lr=1e-4)
    features = torch.randn(b, t, 75)
    gt_kp = torch.cat([torch.rand(b, t, 25, 2) * 2 - 1, torch.ones(b, t, 25, 1)], 3)
    gt_joints = torch.randn(b, t, 14, 3) * 0.3
    gt_rot = rodrigues(torch.randn(n, 72) * 0.2).reshape(b, t, 216)
    gt_shape = torch.zeros(b, t, 10)
    reals = torch.randn(6 * n, 72) * 0.2

    def step():
        strip, hal, theta, past, future = encoder(features)
        shape = theta[:, 75:]
        poses = torch.cat([theta[:, 3:75], past, future], 0)
        shapes = torch.cat([shape, shape, shape], 0)
        keypoints = (torch.cat([poses, shapes], 1) @ body).reshape(-1, 25, 3)
        rotations = rodrigues(poses)
        m = poses.shape[0] // 6  # rows per branch (= n)
        loss = 0.0
        for i, (offset, real_or_hal) in enumerate([(0, 0), (0, 1), (-delta, 0), (-delta, 1), (delta, 0), (delta, 1)]):
            branch = (0 if offset == 0 else 1 if offset < 0 else 2) * 2 * m + real_or_hal * m
            kp = keypoints[branch:branch + m].reshape(b, t, 25, 3)
            rot = rotations[branch:branch + m].reshape(b, t, 216)
            sh = shapes[branch:branch + m].reshape(b, t, 10)
            length = t - abs(offset)
            ps, gs = (abs(offset), 0) if offset < 0 else (0, offset)
            kp_p = kp[:, ps:ps + length].reshape(-1, 25, 3)
            kp_g = gt_kp[:, gs:gs + length].reshape(-1, 25, 3)
            if offset == 0:
                cams = theta[real_or_hal * n:(real_or_hal + 1) * n, :3]
            else:
                cams = solve_cameras(kp_p[..., :2], kp_g)
            loss = loss + 60 * kp_loss(kp_g, project(kp_p, cams.reshape(-1, 3)))
            j_p = kp_p[:, :14]
            j_g = gt_joints[:, gs:gs + length].reshape(-1, 14, 3)
            pel_p = (j_p[:, 2:3] + j_p[:, 3:4]) / 2
            pel_g = (j_g[:, 2:3] + j_g[:, 3:4]) / 2
            loss = loss + 60 * 0.5 * F.mse_loss(j_p - pel_p, j_g - pel_g)
            loss = loss + 60 * (0.5 * F.mse_loss(rot[:, ps:ps + length], gt_rot[:, gs:gs + length]) + 0.5 * F.mse_loss(sh[:, ps:ps + length], gt_shape[:, gs:gs + length]))
        betas = shape[:n].reshape(b, t, 10)
        loss = loss + 0.5 * F.mse_loss(betas[:, 1:], betas[:, :-1]) + (shapes ** 2).mean() + F.mse_loss(hal, strip)
        fakes = rotations[:, 1:]
        loss = loss + ((disc(fakes) - 1) ** 2).sum(1).mean()
        e_opt.zero_grad()
        loss.backward()
        e_opt.step()
        d_loss = ((disc(rodrigues(reals)[:, 1:]) - 1) ** 2).sum(1).mean() + (disc(fakes.detach()) ** 2).sum(1).mean()
        d_opt.zero_grad()
        d_loss.backward()
        d_opt.step()

    encoder.train()
    for _ in range(2):
        step()
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(args.steps):
        step()
    ms = (time.perf_counter() - started) * 1000 / args.steps
    cpu_ms = (time.process_time() - cpu_started) * 1000 / args.steps
    blas = loaded_blas()
    print(json.dumps({'msPerStep': ms, 'cpuMsPerStep': cpu_ms, 'threads': torch.get_num_threads(), 'torch': torch.__version__, 'blas': blas}))


if __name__ == '__main__':
    main()
