using System.Runtime.CompilerServices;
using Orchestrator.Core;
using Orchestrator.Engine.Audit;
using Orchestrator.Engine.Handlers;
using Orchestrator.Engine.Options;
using Orchestrator.Engine.Snapshots;

namespace Orchestrator.Engine.State;

/// <summary>
/// The orchestrator's decision over several sources' signals (issue 18): for each symbol of a
/// consolidation group (<see cref="EngineOptions.Consolidation"/>), the outside signals (gateway,
/// agents, MCP, in-process strategies — never built-in rules or protective exits) are decided by the
/// group's mode before any risk check:
/// <list type="bullet">
/// <item><b>first_wins</b>: the first signal trades; every other one within the window after it is outvoted.</item>
/// <item><b>weighted_vote</b>: a signal is held; each source's latest held signal votes its weight for
/// its side; the signal that brings its side to the threshold, above the other side's sum, trades.</item>
/// <item><b>quorum</b>: likewise, when the quorum of distinct sources agree on a side.</item>
/// <item><b>veto</b>: a signal trades unless a veto source's signal for the other side is younger than
/// the window (a veto source's SELL blocks BUYs and its BUY blocks SELLs); a veto source's own
/// signals are vetoes only and never trade.</item>
/// </list>
/// A decision trades the signal that completed it, with its own order intent; the held signals that
/// agreed are reported as contributed, those on the other side as outvoted, and the window starts
/// empty again. A held signal older than the window expires (reported when the symbol's next signal
/// arrives); a newer signal of the same source supersedes its held one. Every outcome is an audit
/// record naming the signal and, where there is one, the other signal that decided it, and is
/// counted here. A signal that does not trade leaves no intent: risk, sizing and the order manager
/// see nothing, so nothing is refused by risk on its account.
/// </summary>
/// <remarks>
/// Trading thread only (the first step of the risk manager, which runs there in every engine layout,
/// and which the strategy host's fast-path signals pass too). Time is the signal's event time. Every
/// table is allocated at construction; a decision allocates nothing and takes no lock. Its state is
/// in the risk manager's snapshot section.
/// </remarks>
public sealed class SignalConsolidator
{
    private const long Ppm = 1_000_000;

    private readonly int[] _groupOfSymbol;  // symbol id -> group index, -1 = not consolidated
    private readonly int[] _blockStart;     // symbol id -> first entry of its block
    private readonly Group[] _groups;
    private readonly Entry[] _entries;      // per symbol: held signals (votes, quorum), the winner (first_wins) or one veto per veto source
    private readonly int[] _held;           // symbol id -> entries in use (weighted_vote, quorum)
    private readonly long[] _counts = new long[(int)ConsolidationOutcome.Superseded + 1];
    private readonly AuditTrail _audit;

    public SignalConsolidator(IReadOnlyList<ConsolidationGroup> groups, SymbolTable symbols, TextInterner sources, AuditTrail audit)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(symbols);
        ArgumentNullException.ThrowIfNull(sources);
        _audit = audit;
        _groupOfSymbol = new int[symbols.Count];
        Array.Fill(_groupOfSymbol, -1);
        _blockStart = new int[symbols.Count];
        _held = new int[symbols.Count];
        _groups = new Group[groups.Count];
        int entries = 0;
        for (int g = 0; g < groups.Count; g++)
        {
            ConsolidationGroup group = groups[g];
            _groups[g] = Group.From(group, sources);
            foreach (string symbol in group.Symbols)
            {
                if (!symbols.TryGetId(symbol, out int id) || _groupOfSymbol[id] >= 0)
                {
                    throw new ArgumentException("Consolidation group '" + group.Name + "': '" + symbol + "' is not a symbol of the engine or is in two groups.", nameof(groups));
                }

                _groupOfSymbol[id] = g;
                _blockStart[id] = entries;
                entries += _groups[g].Capacity;
            }
        }

        _entries = new Entry[entries];
    }

    /// <summary>Whether any symbol is consolidated (a mode other than pass_through).</summary>
    public bool Any
    {
        get
        {
            for (int s = 0; s < _groupOfSymbol.Length; s++)
            {
                if (_groupOfSymbol[s] >= 0 && _groups[_groupOfSymbol[s]].Mode != ConsolidationMode.PassThrough)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Signals (or held signals) with <paramref name="outcome"/> so far (any thread; single writer).</summary>
    public long Count(ConsolidationOutcome outcome) => Volatile.Read(ref _counts[(int)outcome]);

    /// <summary>
    /// Decides an outside signal's intent (trading thread, before the risk checks). True: it goes on
    /// to risk as it is. False: it was held back (pending, outvoted, vetoed, or a veto): its intent is
    /// cleared and the audit says why.
    /// </summary>
    public bool Admit(ref EngineEvent e)
    {
        int s = e.SymbolId;
        if ((uint)s >= (uint)_groupOfSymbol.Length || _groupOfSymbol[s] < 0)
        {
            return true;
        }

        ref readonly Group group = ref _groups[_groupOfSymbol[s]];
        if (group.Mode == ConsolidationMode.PassThrough || !RiskManagerHandler.IsWellFormed(in e))
        {
            return true; // a malformed signal takes no part: risk refuses it as invalid
        }

        return group.Mode switch
        {
            ConsolidationMode.FirstWins => FirstWins(ref e, in group),
            ConsolidationMode.Veto => Veto(ref e, in group),
            _ => Vote(ref e, in group),
        };
    }

    private bool FirstWins(ref EngineEvent e, in Group group)
    {
        ref Entry winner = ref _entries[_blockStart[e.SymbolId]];
        if (winner.Side != Side.None && InWindow(winner.TsNs, e.TsEventNs, group.WindowNs))
        {
            Report(ConsolidationOutcome.Outvoted, in e, group.Mode, winner.SignalId, winner.SourceId, 0);
            return Hold(ref e);
        }

        winner = Entry.Of(in e);
        Report(ConsolidationOutcome.Decided, in e, group.Mode, 1, 0, Ppm);
        return true;
    }

    private bool Veto(ref EngineEvent e, in Group group)
    {
        int block = _blockStart[e.SymbolId];
        int[] vetoes = group.VetoSources;
        for (int v = 0; v < vetoes.Length; v++)
        {
            if (vetoes[v] == e.SourceId)
            {
                _entries[block + v] = Entry.Of(in e);
                Report(ConsolidationOutcome.Veto, in e, group.Mode, 0, 0, 0);
                return Hold(ref e);
            }
        }

        Side against = e.IntentSide == Side.Buy ? Side.Sell : Side.Buy;
        for (int v = 0; v < vetoes.Length; v++)
        {
            ref Entry veto = ref _entries[block + v];
            if (veto.Side == against && InWindow(veto.TsNs, e.TsEventNs, group.WindowNs))
            {
                Report(ConsolidationOutcome.Vetoed, in e, group.Mode, veto.SignalId, veto.SourceId, 0);
                return Hold(ref e);
            }
        }

        Report(ConsolidationOutcome.Decided, in e, group.Mode, 1, 0, Ppm);
        return true;
    }

    /// <summary>weighted_vote and quorum: hold the signal, then decide if its side has the support.</summary>
    private bool Vote(ref EngineEvent e, in Group group)
    {
        int s = e.SymbolId;
        int block = _blockStart[s];
        long now = e.TsEventNs;

        // Out of the window, and the same source's older vote, leave first (oldest first: entries are in arrival order).
        for (int i = 0; i < _held[s];)
        {
            ref Entry held = ref _entries[block + i];
            if (!InWindow(held.TsNs, now, group.WindowNs))
            {
                Drop(s, i, ConsolidationOutcome.Expired, in held, group.Mode, 0, 0, now);
            }
            else if (held.SourceId == e.SourceId)
            {
                Drop(s, i, ConsolidationOutcome.Superseded, in held, group.Mode, e.SignalId, e.SourceId, now);
            }
            else
            {
                i++;
            }
        }

        if (_held[s] == group.Capacity)
        {
            Drop(s, 0, ConsolidationOutcome.Expired, in _entries[block], group.Mode, 0, 0, now); // full: the oldest goes
        }

        _entries[block + _held[s]] = Entry.Of(in e);
        _held[s]++;

        long support = 0;
        long against = 0;
        int agreeing = 0;
        for (int i = 0; i < _held[s]; i++)
        {
            ref Entry held = ref _entries[block + i];
            long vote = group.Mode == ConsolidationMode.WeightedVote ? group.WeightOf(held.SourceId) : Ppm;
            if (held.Side == e.IntentSide)
            {
                support += vote;
                agreeing++;
            }
            else
            {
                against += vote;
            }
        }

        if (support < group.NeededPpm || support <= against)
        {
            Report(ConsolidationOutcome.Held, in e, group.Mode, 0, 0, support, group.NeededPpm);
            return Hold(ref e);
        }

        // Decided: the others held in the window agreed or were outvoted; the window starts empty.
        for (int i = 0; i < _held[s] - 1; i++)
        {
            ref Entry held = ref _entries[block + i];
            Report(held.Side == e.IntentSide ? ConsolidationOutcome.Contributed : ConsolidationOutcome.Outvoted, in held, s, group.Mode, e.SignalId, e.SourceId, now);
        }

        _held[s] = 0;
        Report(ConsolidationOutcome.Decided, in e, group.Mode, agreeing, 0, support);
        return true;
    }

    /// <summary>Removes held entry <paramref name="index"/> of symbol <paramref name="s"/> (keeping arrival order) and reports it.</summary>
    private void Drop(int s, int index, ConsolidationOutcome outcome, in Entry entry, ConsolidationMode mode, long peerSignalId, int peerSourceId, long now)
    {
        Report(outcome, in entry, s, mode, peerSignalId, peerSourceId, now);
        int block = _blockStart[s];
        int last = _held[s] - 1;
        for (int i = index; i < last; i++)
        {
            _entries[block + i] = _entries[block + i + 1];
        }

        _entries[block + last] = default;
        _held[s] = last;
    }

    // Age below the window; a signal stamped later than the one in hand (clock skew between sources) is in it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool InWindow(long heldNs, long nowNs, long windowNs) => nowNs - heldNs < windowNs;

    private static bool Hold(ref EngineEvent e)
    {
        e.IntentSide = Side.None; // no intent: risk, sizing and the order manager see nothing to do
        return false;
    }

    /// <summary>The outcome of the signal in hand.</summary>
    private void Report(ConsolidationOutcome outcome, in EngineEvent e, ConsolidationMode mode, long value, int peerSourceId, long supportPpm, long neededPpm = 0) =>
        Report(outcome, Entry.Of(in e), e.SymbolId, mode, value, peerSourceId, e.TsEventNs, supportPpm, neededPpm);

    /// <summary>An outcome, counted and audited: of the signal in hand, or later of a held one (then <paramref name="value"/> is the signal that decided it).</summary>
    private void Report(ConsolidationOutcome outcome, in Entry signal, int symbolId, ConsolidationMode mode, long value, int peerSourceId, long nowNs, long supportPpm = 0, long neededPpm = 0)
    {
        _counts[(int)outcome]++;
        _audit.TryPublish(new AuditRecord
        {
            Kind = KindOf(outcome),
            Mode = mode,
            SymbolId = symbolId,
            Side = signal.Side,
            ConfidencePpm = signal.ConfidencePpm,
            SignalId = signal.SignalId,
            SourceId = signal.SourceId,
            Value = value,
            PeerSourceId = peerSourceId,
            SupportPpm = supportPpm,
            NeededPpm = neededPpm,
            TsEventNs = nowNs,
        });
    }

    private static AuditKind KindOf(ConsolidationOutcome outcome) => AuditKind.ConsolidationDecided + (byte)outcome;

    /// <summary>The held signals, winners, vetoes and counts (the risk manager's snapshot section; the groups come from configuration).</summary>
    internal void WriteState(ref StateWriter w)
    {
        w.Records(_entries);
        w.Int32s(_held);
        w.Int64s(_counts);
    }

    /// <summary>Restores what <see cref="WriteState"/> wrote (recovery, before any event; then <see cref="MapSources"/>).</summary>
    internal void ReadState(ref StateReader r)
    {
        r.Records(_entries);
        r.Int32s(_held);
        r.Int64s(_counts);
    }

    /// <summary>The restored entries' source ids were the snapshot process's: map them to this one's (recovery).</summary>
    internal void MapSources(int[] map)
    {
        for (int i = 0; i < _entries.Length; i++)
        {
            _entries[i].SourceId = SnapshotSources.Map(map, _entries[i].SourceId);
        }
    }

    /// <summary>
    /// A number that changes when the groups change (a snapshot layout fact: a snapshot taken under
    /// other groups is refused and the journal replayed instead).
    /// </summary>
    internal int Fingerprint()
    {
        // FNV-1a (System.HashCode is seeded per process: a snapshot outlives the process).
        ulong hash = 14695981039346656037;
        void Add(long value)
        {
            hash = (hash ^ (ulong)value) * 1099511628211;
        }

        for (int s = 0; s < _groupOfSymbol.Length; s++)
        {
            Add(_groupOfSymbol[s]);
        }

        foreach (Group g in _groups)
        {
            Add((long)g.Mode);
            Add(g.WindowNs);
            Add(g.NeededPpm);
            Add(g.Capacity);
            Add(g.DefaultWeightPpm);
            foreach (int veto in g.VetoSources)
            {
                Add(veto);
            }

            for (int i = 0; i < g.Weights.Length; i++)
            {
                Add(g.Weights[i]);
            }
        }

        return (int)(hash ^ (hash >> 32));
    }

    /// <summary>A held signal, a first_wins winner, or a veto.</summary>
    private struct Entry
    {
        public long SignalId;
        public long TsNs;
        public int SourceId;
        public int ConfidencePpm;
        public Side Side;

        public static Entry Of(in EngineEvent e) => new() { SignalId = e.SignalId, TsNs = e.TsEventNs, SourceId = e.SourceId, ConfidencePpm = e.ConfidencePpm, Side = e.IntentSide };
    }

    /// <summary>A group's settings precomputed: no string on the trading thread.</summary>
    private readonly struct Group
    {
        public ConsolidationMode Mode { get; init; }

        public long WindowNs { get; init; }

        /// <summary>Support a side needs, ×10^6: the threshold (weighted_vote), the quorum (quorum).</summary>
        public long NeededPpm { get; init; }

        /// <summary>Entries per symbol.</summary>
        public int Capacity { get; init; }

        public long DefaultWeightPpm { get; init; }

        /// <summary>Weight ×10^6 by source id (0 = the default weight); empty unless weighted_vote.</summary>
        public long[] Weights { get; init; }

        /// <summary>The veto sources' ids (veto).</summary>
        public int[] VetoSources { get; init; }

        public long WeightOf(int sourceId)
        {
            long weight = (uint)sourceId < (uint)Weights.Length ? Weights[sourceId] : 0;
            return weight > 0 ? weight : DefaultWeightPpm;
        }

        public static Group From(ConsolidationGroup g, TextInterner sources)
        {
            long windowNs = g.Window.Ticks * 100;
            if (windowNs <= 0 && g.Mode != ConsolidationMode.PassThrough)
            {
                throw new ArgumentException("Consolidation group '" + g.Name + "': the window must be positive.", nameof(g));
            }

            long[] weights = [];
            if (g.Mode == ConsolidationMode.WeightedVote)
            {
                weights = new long[sources.Capacity];
                foreach ((string name, decimal weight) in g.Weights)
                {
                    weights[sources.Intern(name)] = ToPpm(weight, g.Name);
                }
            }

            int[] vetoes = g.Mode == ConsolidationMode.Veto ? [.. g.VetoSources.Select(sources.Intern)] : [];
            if (g.Mode == ConsolidationMode.Veto && vetoes.Length == 0)
            {
                throw new ArgumentException("Consolidation group '" + g.Name + "': veto mode needs veto sources.", nameof(g));
            }

            if (g.Mode == ConsolidationMode.Quorum && g.Quorum < 2)
            {
                throw new ArgumentException("Consolidation group '" + g.Name + "': a quorum is at least 2.", nameof(g));
            }

            return new Group
            {
                Mode = g.Mode,
                WindowNs = windowNs,
                NeededPpm = g.Mode switch
                {
                    ConsolidationMode.WeightedVote => ToPpm(g.Threshold, g.Name),
                    ConsolidationMode.Quorum => g.Quorum * Ppm,
                    _ => Ppm,
                },
                Capacity = g.Mode switch
                {
                    ConsolidationMode.WeightedVote or ConsolidationMode.Quorum => Math.Max(g.MaxPending, g.Mode == ConsolidationMode.Quorum ? g.Quorum : 1),
                    ConsolidationMode.Veto => vetoes.Length,
                    ConsolidationMode.FirstWins => 1,
                    _ => 0,
                },
                DefaultWeightPpm = ToPpm(g.DefaultWeight, g.Name),
                Weights = weights,
                VetoSources = vetoes,
            };
        }

        private static long ToPpm(decimal value, string group) => value > 0 && value <= 1_000_000m
            ? (long)(value * Ppm)
            : throw new ArgumentException("Consolidation group '" + group + "': weights and thresholds are above 0 and at most 1,000,000.", nameof(value));
    }
}
