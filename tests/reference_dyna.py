"""Naive single-run loops of chapter 8's planning learners, for checking the kernel (STYLE T1).

Plain Python from Sutton & Barto's boxes (Dyna-Q 8.2, Dyna-Q+ 8.3 with its
footnote, prioritized sweeping 8.4), on an ordinary or a changing map, with
the kernel's addressed draws (``fastrl.rng``, the selectors of
``fastrl.policies`` through ``reference_learning``, the shared ``_dynamics``
step). The model is a dict, the priority queue a dict of priorities popped by
a linear scan, predecessors found by scanning the model: nothing of the
kernel's arrays, heap or linked lists.
"""

from __future__ import annotations

import math

import numpy as np
from reference_learning import SLOT_PLAN, _c, _explore_param, _select, _selection_values

from fastrl import rng
from fastrl.tabular import ChangingMDP
from fastrl.tabular._dynamics import SLOT_RESET, SLOT_TRANSITION, env_step, sample_initial


def _arrays(mdp):
    arrays = [np.ascontiguousarray(x[None]) for x in (mdp.next_state, mdp.prob, mdp.reward)]
    arrays.append(np.ascontiguousarray(mdp.terminated[None]))
    return arrays, np.ascontiguousarray(mdp.initial[None])


def _backup(q, agent, s, a, r, s_next, term):
    """One Q-learning update of ``(s, a)`` towards ``r + gamma max Q(s')``."""
    target = r if term else r + agent.gamma * q[s_next].max()
    q[s, a] += agent.alpha * (target - q[s, a])


def _plan_key(key, t):
    return np.uint64(rng.mix64(np.uint64(rng.random_u64(key, _c(t, SLOT_PLAN)))))


class _Dyna:
    """Dyna-Q: uniform planning over the pairs observed, in first-visit order."""

    def __init__(self, agent, num_states, num_actions):
        self.agent, self.num_actions = agent, num_actions
        self.model, self.observed = {}, []

    def step(self, q, key, s, a, r, s_next, term, t):
        _backup(q, self.agent, s, a, r, s_next, term)
        if (s, a) not in self.model:
            self.observed.append((s, a))
        self.model[(s, a)] = (s_next, r, term)
        sub = _plan_key(key, t)
        for j in range(self.agent.planning_steps):
            ps, pa = self.observed[rng.randint(sub, np.uint64(j), len(self.observed))]
            ms, mr, mt = self.model[(ps, pa)]
            _backup(q, self.agent, ps, pa, mr, ms, mt)


class _DynaPlus:
    """Dyna-Q+: a visited state, then any action; reward plus kappa sqrt(tau)."""

    def __init__(self, agent, num_states, num_actions):
        self.agent, self.num_actions = agent, num_actions
        self.model, self.last, self.visited = {}, {}, []

    def step(self, q, key, s, a, r, s_next, term, t):
        agent = self.agent
        _backup(q, agent, s, a, r, s_next, term)
        if s not in self.visited:  # footnote: untried actions lead back to s, reward 0
            self.visited.append(s)
            for b in range(self.num_actions):
                self.model[(s, b)] = (s, 0.0, False)
        self.model[(s, a)] = (s_next, r, term)
        self.last[(s, a)] = t
        sub = _plan_key(key, t)
        for j in range(agent.planning_steps):
            ps = self.visited[rng.randint(sub, np.uint64(2 * j), len(self.visited))]
            pa = int(rng.randint(sub, np.uint64(2 * j + 1), self.num_actions))
            ms, mr, mt = self.model[(ps, pa)]
            tau = t - self.last.get((ps, pa), 0)  # never tried: since the start of the run
            _backup(q, agent, ps, pa, mr + agent.kappa * math.sqrt(tau), ms, mt)


class _Sweeping:
    """Prioritized sweeping (the box of 8.4): a dict queue, max-priority on re-insertion."""

    def __init__(self, agent, num_states, num_actions):
        self.agent, self.num_actions = agent, num_actions
        self.model, self.queue = {}, {}

    def _insert(self, pair, priority):
        if priority > self.agent.theta:
            self.queue[pair] = max(priority, self.queue.get(pair, -math.inf))

    def _priority(self, q, s, a, r, s_next, term):
        target = r if term else r + self.agent.gamma * q[s_next].max()
        return abs(target - q[s, a])

    def step(self, q, key, s, a, r, s_next, term, t):
        A = self.num_actions
        self.model[(s, a)] = (s_next, r, term)
        self._insert(s * A + a, self._priority(q, s, a, r, s_next, term))
        for _ in range(self.agent.planning_steps):
            if not self.queue:
                break
            # first: the highest priority, then the lowest pair index
            top = max(self.queue, key=lambda x: (self.queue[x], -x))
            del self.queue[top]
            ps, pa = divmod(top, A)
            ms, mr, mt = self.model[(ps, pa)]
            _backup(q, self.agent, ps, pa, mr, ms, mt)
            for (bs, ba), (ns, br, bt) in self.model.items():
                if ns == ps:
                    self._insert(bs * A + ba, self._priority(q, bs, ba, br, ps, bt))


_LEARNERS = {"DynaQ": _Dyna, "DynaQPlus": _DynaPlus, "PrioritizedSweeping": _Sweeping}


def train_one(mdp, agent, *, episodes, max_steps, seed, i):
    """Run ``i`` of ``train(mdp, agent, ...)``.

    Returns ``(q, returns, lengths, successes, step_rewards)``, the last the
    reward of every step of the run in order.
    """
    if isinstance(mdp, ChangingMDP):
        maps, at_step = [_arrays(mdp.before), _arrays(mdp.after)], mdp.at_step
    else:
        maps, at_step = [_arrays(mdp)], math.inf
    roots = rng.stream_roots(seed)
    env_key = np.uint64(rng.run_key(roots[rng.STREAM_ENV], np.int64(i)))
    key = np.uint64(rng.run_key(roots[rng.STREAM_AGENT], np.int64(i)))
    S, A = mdp.num_states, mdp.num_actions
    learner = _LEARNERS[type(agent).__name__](agent, S, A)
    q = np.full((S, A), agent.initial_value)
    counts = np.zeros((S, A), dtype=np.int64)
    returns, lengths, successes, step_rewards = [], [], [], []
    t = 0
    for e in range(episodes):
        param = _explore_param(agent, e)
        arrays, initial = maps[0 if t < at_step else 1]  # the map in force at step t
        s = int(sample_initial(initial, 0, rng.uniform(env_key, _c(t, SLOT_RESET))))
        ret, length = 0.0, 0
        while True:
            v = _selection_values(q, None, counts, s, agent.bonus)
            a = _select(agent, v, param, key, np.int64(t))
            arrays, _ = maps[0 if t < at_step else 1]
            u = rng.uniform(env_key, _c(t, SLOT_TRANSITION))
            s_next, r, term = env_step(*arrays, 0, s, a, u)
            s_next, r, term = int(s_next), float(r), bool(term)
            counts[s, a] += 1
            length += 1
            ret += r
            step_rewards.append(r)
            learner.step(q, key, s, a, r, s_next, term, t)
            t += 1
            if term or length >= max_steps:
                break
            s = s_next
        returns.append(ret)
        lengths.append(length)
        successes.append(1.0 if (term and r > 0.0) else 0.0)
    return q, np.array(returns), np.array(lengths), np.array(successes), np.array(step_rewards)
