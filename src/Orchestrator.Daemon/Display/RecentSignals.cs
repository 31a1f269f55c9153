using Orchestrator.Core;
using Orchestrator.Daemon.Logging;
using Orchestrator.Engine.Audit;

namespace Orchestrator.Daemon.Display;

/// <summary>
/// The latest signals and what became of them, collected from the audit stream on the audit
/// thread (<see cref="Observe"/>) and read by the display (<see cref="Copy"/>). Both are slow
/// threads: the engine never calls in here and never waits for the lock.
/// </summary>
/// <remarks>
/// A signal (a rule's, an agent's, or a protective exit) is followed in the audit stream by the
/// risk verdict for the same symbol and side, then by the order it caused; a fill or a broker
/// reject of that order id settles it. Verdicts go to the oldest signal of that symbol and side
/// still waiting for one, which is exact when the stages share a thread (the default) and at
/// worst swaps two same-side signals of one symbol in a pipelined engine. A signal consolidation held
/// back (issue 18) takes its fate from the consolidation records (matched by signal id, source and
/// symbol) and waits for no verdict.
/// </remarks>
public sealed class RecentSignals : IAuditObserver
{
    private readonly object _gate = new();

    // A fixed ring of structs, newest at _head - 1: Observe allocates nothing (issue 16).
    private readonly Entry[] _entries;
    private int _head;
    private int _count;

    public RecentSignals(int capacity = 32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _entries = new Entry[capacity];
    }

    /// <summary>Audit thread: takes one record. Allocates nothing.</summary>
    public void Observe(in AuditRecord record)
    {
        lock (_gate)
        {
            int index;
            switch (record.Kind)
            {
                case AuditKind.RuleSignal:
                case AuditKind.SignalReceived:
                case AuditKind.ProtectiveExit:
                    _entries[_head] = new Entry { Signal = record };
                    _head = (_head + 1) % _entries.Length;
                    _count = Math.Min(_count + 1, _entries.Length);
                    break;
                case AuditKind.RiskRejected:
                    if ((index = AwaitingVerdict(record)) >= 0)
                    {
                        _entries[index].Fate = SignalFate.Rejected;
                        _entries[index].Reason = record.Reason;
                    }

                    break;
                case AuditKind.RiskPassed:
                    if ((index = AwaitingVerdict(record)) >= 0)
                    {
                        _entries[index].Passed = true;
                    }

                    break;
                case AuditKind.OrderSubmitted:
                    if ((index = AwaitingOrder(record)) >= 0)
                    {
                        _entries[index].Fate = SignalFate.Executed;
                        _entries[index].OrderId = record.ClientOrderId;
                    }

                    break;
                case AuditKind.ConsolidationHeld:
                case AuditKind.ConsolidationOutvoted:
                case AuditKind.ConsolidationVetoed:
                case AuditKind.ConsolidationVeto:
                case AuditKind.ConsolidationContributed:
                case AuditKind.ConsolidationExpired:
                case AuditKind.ConsolidationSuperseded:
                    // Issue 18: consolidation held the signal back; it waits for no risk verdict.
                    if ((index = WithSignal(record)) >= 0)
                    {
                        _entries[index].Fate = FateOf(record.Kind);
                        _entries[index].Peer = record.Kind == AuditKind.ConsolidationHeld ? 0 : record.Value;
                    }

                    break;
                case AuditKind.OrderFilled:
                case AuditKind.OrderRejected:
                    if (record.ClientOrderId != 0 && (index = WithOrder(record.ClientOrderId)) >= 0)
                    {
                        _entries[index].Fate = record.Kind == AuditKind.OrderFilled ? SignalFate.Filled : SignalFate.Rejected;
                        _entries[index].Reason = record.Reason;
                    }

                    break;
            }
        }
    }

    /// <summary>Display thread: the signals newest first, with names resolved.</summary>
    public IReadOnlyList<SignalView> Copy(SymbolTable symbols, TextInterner sources)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        ArgumentNullException.ThrowIfNull(sources);
        lock (_gate)
        {
            var views = new List<SignalView>(_count);
            for (int age = 0; age < _count; age++)
            {
                ref readonly Entry e = ref _entries[Index(age)];
                AuditRecord s = e.Signal;
                string detail = e.Fate switch
                {
                    SignalFate.Rejected => e.Reason.ToString(),
                    SignalFate.Executed or SignalFate.Filled => "#" + e.OrderId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    SignalFate.Contributed or SignalFate.Outvoted or SignalFate.Vetoed when e.Peer != 0 => "signal " + e.Peer.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    _ => string.Empty,
                };
                views.Add(new SignalView(s.TsEventNs, symbols.GetName(s.SymbolId), SideText(s.Side), SourceText(s, sources), s.ConfidencePpm / 1_000_000m, e.Fate, detail));
            }

            return views;
        }
    }

    /// <summary>The slot of the entry <paramref name="age"/> places from the newest (0 = newest).</summary>
    private int Index(int age) => (_head - 1 - age + (2 * _entries.Length)) % _entries.Length;

    /// <summary>The oldest signal of the verdict's symbol and side still waiting for a verdict; -1 if none.</summary>
    private int AwaitingVerdict(in AuditRecord verdict)
    {
        for (int age = _count - 1; age >= 0; age--)
        {
            int i = Index(age);
            if (_entries[i].Fate == SignalFate.Pending && !_entries[i].Passed && Same(_entries[i].Signal, verdict))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The oldest passed (or protective) signal of the order's symbol and side still pending; -1 if none.</summary>
    private int AwaitingOrder(in AuditRecord order)
    {
        for (int age = _count - 1; age >= 0; age--)
        {
            int i = Index(age);
            if (_entries[i].Fate == SignalFate.Pending && (_entries[i].Passed || _entries[i].Signal.Kind == AuditKind.ProtectiveExit) && Same(_entries[i].Signal, order))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The oldest signal that became order <paramref name="orderId"/>; -1 if none.</summary>
    private int WithOrder(long orderId)
    {
        for (int age = _count - 1; age >= 0; age--)
        {
            int i = Index(age);
            if (_entries[i].OrderId == orderId)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The newest signal a consolidation record is about (same signal id, source and symbol); -1 if none.</summary>
    private int WithSignal(in AuditRecord record)
    {
        for (int age = 0; age < _count; age++)
        {
            int i = Index(age);
            AuditRecord s = _entries[i].Signal;
            if (s.Kind == AuditKind.SignalReceived && s.SignalId == record.SignalId && s.SourceId == record.SourceId && s.SymbolId == record.SymbolId)
            {
                return i;
            }
        }

        return -1;
    }

    private static SignalFate FateOf(AuditKind kind) => kind switch
    {
        AuditKind.ConsolidationHeld => SignalFate.Held,
        AuditKind.ConsolidationContributed => SignalFate.Contributed,
        AuditKind.ConsolidationOutvoted => SignalFate.Outvoted,
        AuditKind.ConsolidationVetoed or AuditKind.ConsolidationVeto => SignalFate.Vetoed,
        _ => SignalFate.Expired,
    };

    private static bool Same(in AuditRecord signal, in AuditRecord other) => signal.SymbolId == other.SymbolId && signal.Side == other.Side;

    private static string SideText(Side side) => side switch
    {
        Side.Buy => "BUY",
        Side.Sell => "SELL",
        _ => "-",
    };

    private static string SourceText(in AuditRecord signal, TextInterner sources) => signal.Kind switch
    {
        AuditKind.RuleSignal => signal.Value switch
        {
            Engine.Handlers.SignalEngineHandler.RuleMomentum => "momentum",
            Engine.Handlers.SignalEngineHandler.RuleRsiReversion => "rsi_reversion",
            _ => "rule",
        },
        AuditKind.ProtectiveExit => signal.Origin.ToString(),
        _ => sources.Get(signal.SourceId) is { Length: > 0 } source ? source : "agent",
    };

    private struct Entry
    {
        public AuditRecord Signal;
        public SignalFate Fate;
        public bool Passed;
        public long OrderId;
        public RejectReason Reason;

        /// <summary>The other signal a consolidation outcome names (the decision, or the veto).</summary>
        public long Peer;
    }
}
