"""Gymnasium's ``Blackjack-v1`` (Sutton & Barto example 5.1) as an exact :class:`TabularMDP`.

With an infinite deck (cards drawn with replacement, each of ``A 2 .. 9`` with
probability 1/13 and a ten-valued card with 4/13) everything the player's
future depends on is the player's sum, whether the player holds a usable ace
and the dealer's showing card: the dealer's hidden card is independent of
every card the player sees, so the outcome of sticking is an exact
distribution, computed here by recursion over the dealer's draws (dealer
sticks on 17 or more, soft 17 included, as Gymnasium's ``sum_hand``). The one
extra bit the rules need is whether the player's hand is a *natural* (ace and
ten as the two initial cards): with ``natural=True`` a natural that wins pays
1.5, and with ``sab=True`` a natural beats any dealer hand that is not a
natural. A natural is always the first observation ``(21, d, 1)`` of an
episode, and no later observation is.

States (``S = 291``): for each dealer card ``d`` in ``1..10`` (1 is the ace),
29 player states ``k``: hard sums 4..21 (``k = sum - 4``), usable-ace sums
12..21 (``k = 18 + sum - 12``) and the natural (``k = 28``); state
``(d - 1) * 29 + k``. State 290 (:data:`TERMINAL`) is absorbing. Hard sums
4..11 appear only as initial hands (hitting them cannot bust).
:func:`blackjack_state` and :func:`decode` convert; :func:`value_grid` lays
values out as figures 5.1 and 5.2 draw them.

Actions: 0 stick, 1 hit (Gymnasium's). Rewards: +1 win, -1 loss (or bust),
0 draw, +1.5 for a winning natural with ``natural=True``.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache

import numpy as np

from fastrl.tabular.mdp import TabularMDP
from fastrl.validation import check_bool

__all__ = [
    "blackjack",
    "blackjack_state",
    "decode",
    "value_grid",
    "NUM_STATES",
    "TERMINAL",
    "STICK",
    "HIT",
]

STICK, HIT = 0, 1
_PER_DEALER = 29
_NATURAL = 28
NUM_STATES = 10 * _PER_DEALER + 1
TERMINAL = NUM_STATES - 1
#: card values 1..10 and their probabilities with an infinite deck
_CARDS = tuple(range(1, 11))
_P_CARD = tuple(Fraction(4 if c == 10 else 1, 13) for c in _CARDS)


def blackjack_state(player_sum: int, dealer: int, usable_ace: bool, natural: bool = False) -> int:
    """The state index of a player sum, the dealer's showing card and the usable-ace flag.

    Parameters
    ----------
    player_sum : int
        4..21 (12..21 with a usable ace; 21 for a natural).
    dealer : int
        The dealer's showing card, 1 (ace) .. 10.
    usable_ace : bool
    natural : bool
        The initial two-card ace and ten (the first observation ``(21, d, 1)``).

    Returns
    -------
    int
        The state index in ``[0, 290)``.
    """
    for name, v in (("player_sum", player_sum), ("dealer", dealer)):
        if isinstance(v, bool) or not isinstance(v, int | np.integer):
            raise TypeError(f"{name} must be an int, got {v!r}")
    usable_ace = bool(usable_ace)
    natural = check_bool("natural", natural)
    if not 1 <= dealer <= 10:
        raise ValueError(f"dealer must lie in 1..10, got {dealer}")
    if natural:
        if player_sum != 21 or not usable_ace:
            raise ValueError("a natural is player_sum=21 with usable_ace=True")
        k = _NATURAL
    elif usable_ace:
        if not 12 <= player_sum <= 21:
            raise ValueError(f"player_sum with a usable ace must lie in 12..21, got {player_sum}")
        k = 18 + player_sum - 12
    else:
        if not 4 <= player_sum <= 21:
            raise ValueError(f"player_sum must lie in 4..21, got {player_sum}")
        k = player_sum - 4
    return int((dealer - 1) * _PER_DEALER + k)


def decode(state: int) -> tuple[int, int, bool, bool]:
    """``(player_sum, dealer, usable_ace, natural)`` of a non-terminal state index."""
    if isinstance(state, bool) or not isinstance(state, int | np.integer):
        raise TypeError(f"state must be an int, got {state!r}")
    if not 0 <= state < TERMINAL:
        raise ValueError(f"state must lie in [0, {TERMINAL}) (non-terminal), got {state}")
    d, k = divmod(int(state), _PER_DEALER)
    if k == _NATURAL:
        return 21, d + 1, True, True
    if k >= 18:
        return 12 + k - 18, d + 1, True, False
    return 4 + k, d + 1, False, False


def value_grid(values, usable_ace: bool) -> np.ndarray:
    """``values[S]`` (or ``[..., S]``) as figures 5.1/5.2 draw them: ``[..., 10 sums, 10 cards]``.

    Rows are player sums 12..21, columns the dealer's card 1 (ace) .. 10;
    non-natural states only.
    """
    values = np.asarray(values)
    if values.shape[-1:] != (NUM_STATES,):
        raise ValueError(f"values must have a last axis of {NUM_STATES} states, got {values.shape}")
    idx = np.array(
        [[blackjack_state(s, d, usable_ace) for d in range(1, 11)] for s in range(12, 22)]
    )
    return values[..., idx]


def _add(raw: int, ace: bool, card: int) -> tuple[int, bool]:
    return raw + card, ace or card == 1


def _effective(raw: int, ace: bool) -> tuple[int, bool]:
    """Gymnasium's ``sum_hand`` and ``usable_ace`` of a hand with raw total and an ace."""
    if ace and raw + 10 <= 21:
        return raw + 10, True
    return raw, False


@cache
def _dealer_final(raw: int, ace: bool) -> dict[int, Fraction]:
    """Distribution of the dealer's final score (0 if bust) from a hand; draws below 17."""
    total, _ = _effective(raw, ace)
    if total >= 17:
        return {0 if total > 21 else total: Fraction(1)}
    out: dict[int, Fraction] = {}
    for c, pc in zip(_CARDS, _P_CARD, strict=True):
        for score, p in _dealer_final(*_add(raw, ace, c)).items():
            out[score] = out.get(score, Fraction(0)) + pc * p
    return out


@cache
def _dealer_outcomes(card: int) -> dict[tuple[int, bool], Fraction]:
    """``{(final score, dealer natural): probability}`` given the dealer's showing card."""
    out: dict[tuple[int, bool], Fraction] = {}
    for h, ph in zip(_CARDS, _P_CARD, strict=True):
        natural = sorted((card, h)) == [1, 10]
        for score, p in _dealer_final(*_add(card, card == 1, h)).items():
            key = (score, natural)
            out[key] = out.get(key, Fraction(0)) + ph * p
    return out


def _stick(player: int, dealer: int, player_natural: bool, natural: bool, sab: bool) -> dict:
    """``{reward: probability}`` of sticking on ``player`` (Gymnasium's ``step(0)``)."""
    out: dict[float, Fraction] = {}
    for (score, dealer_natural), p in _dealer_outcomes(dealer).items():
        reward = float(player > score) - float(player < score)
        if sab and player_natural and not dealer_natural:
            reward = 1.0
        elif not sab and natural and player_natural and reward == 1.0:
            reward = 1.5
        out[reward] = out.get(reward, Fraction(0)) + p
    return out


def _hit(player: int, usable: bool, dealer: int) -> dict:
    """``{(next state, reward, terminated): probability}`` of hitting (Gymnasium's ``step(1)``)."""
    raw = player - 10 if usable else player
    out: dict[tuple, Fraction] = {}
    for c, pc in zip(_CARDS, _P_CARD, strict=True):
        total, ace = _effective(*_add(raw, usable, c))
        key = (
            (TERMINAL, -1.0, True)
            if total > 21
            else (blackjack_state(total, dealer, ace), 0.0, False)
        )
        out[key] = out.get(key, Fraction(0)) + pc
    return out


def _initial() -> np.ndarray:
    """Distribution of the first observation: two player cards and the dealer's first card."""
    initial = np.zeros(NUM_STATES)
    for d, pd in zip(_CARDS, _P_CARD, strict=True):
        for c1, p1 in zip(_CARDS, _P_CARD, strict=True):
            for c2, p2 in zip(_CARDS, _P_CARD, strict=True):
                total, ace = _effective(c1 + c2, c1 == 1 or c2 == 1)
                s = blackjack_state(total, d, ace, natural=sorted((c1, c2)) == [1, 10])
                initial[s] += float(pd * p1 * p2)
    return initial / initial.sum()


@cache
def _build(natural: bool, sab: bool) -> TabularMDP:
    K = 10
    next_state = np.tile(np.arange(NUM_STATES)[:, None, None], (1, 2, K))
    prob = np.zeros((NUM_STATES, 2, K))
    reward = np.zeros((NUM_STATES, 2, K))
    term = np.zeros((NUM_STATES, 2, K), dtype=bool)
    for s in range(TERMINAL):
        player, dealer, usable, is_natural = decode(s)
        entries = {
            STICK: [
                ((TERMINAL, r, True), p)
                for r, p in sorted(_stick(player, dealer, is_natural, natural, sab).items())
            ],
            HIT: sorted(_hit(player, usable, dealer).items()),
        }
        for a, items in entries.items():
            for k, ((s_next, r, t), p) in enumerate(items):
                next_state[s, a, k], prob[s, a, k], reward[s, a, k], term[s, a, k] = s_next, p, r, t
            prob[s, a] /= prob[s, a].sum()  # exact fractions rounded one by one
    prob[TERMINAL, :, 0] = 1.0  # absorbing, like FrozenLake's holes
    term[TERMINAL, :, 0] = True
    name = "Blackjack" + ("-natural" if natural and not sab else "") + ("-sab" if sab else "")
    # The longest game is twenty hits of an ace from the pair of aces (raw total 2 to 22).
    return TabularMDP(next_state, prob, reward, term, _initial(), name=name, max_episode_steps=20)


def blackjack(natural: bool = False, sab: bool = False) -> TabularMDP:
    """Gymnasium's ``Blackjack-v1`` (``natural``, ``sab`` flags) as an exact tabular MDP.

    Parameters
    ----------
    natural : bool
        A winning natural (ace and ten dealt) pays 1.5 instead of 1.
    sab : bool
        Sutton & Barto's rules (example 5.1): a natural wins +1 unless the
        dealer also has a natural (a draw); ``natural`` is then ignored.

    Returns
    -------
    TabularMDP
        291 states (see the module docstring), 2 actions (0 stick, 1 hit),
        up to 10 successors; the initial distribution is that of Gymnasium's
        first observation. ``max_episode_steps=20``: every game ends within 20
        steps, so the limit never truncates one.

    Examples
    --------
    >>> from fastrl.tabular.blackjack import blackjack, blackjack_state
    >>> mdp = blackjack(sab=True)
    >>> mdp.num_states, mdp.num_actions
    (291, 2)
    >>> round(float(mdp.initial[blackjack_state(20, 10, False)]), 6)  # ten, ten; dealer ten
    0.029131
    """
    natural = check_bool("natural", natural)
    sab = check_bool("sab", sab)
    return _build(natural and not sab, sab)
