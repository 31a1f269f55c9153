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
/// worst swaps two same-side signals of one symbol in a pipelined engine.
/// </remarks>
public sealed class RecentSignals(int capacity = 32) : IAuditObserver
{
    private readonly object _gate = new();
    private readonly LinkedList<Entry> _entries = new();

    /// <summary>Audit thread: takes one record.</summary>
    public void Observe(in AuditRecord record)
    {
        lock (_gate)
        {
            switch (record.Kind)
            {
                case AuditKind.RuleSignal:
                case AuditKind.SignalReceived:
                case AuditKind.ProtectiveExit:
                    _entries.AddFirst(new Entry { Signal = record });
                    if (_entries.Count > capacity)
                    {
                        _entries.RemoveLast();
                    }

                    break;
                case AuditKind.RiskRejected:
                    if (AwaitingVerdict(record) is { } rejected)
                    {
                        rejected.Fate = SignalFate.Rejected;
                        rejected.Reason = record.Reason;
                    }

                    break;
                case AuditKind.RiskPassed:
                    if (AwaitingVerdict(record) is { } passed)
                    {
                        passed.Passed = true;
                    }

                    break;
                case AuditKind.OrderSubmitted:
                    AuditRecord submitted = record;
                    if (Oldest(e => e.Fate == SignalFate.Pending && (e.Passed || e.Signal.Kind == AuditKind.ProtectiveExit) && Same(e.Signal, submitted)) is { } executed)
                    {
                        executed.Fate = SignalFate.Executed;
                        executed.OrderId = submitted.ClientOrderId;
                    }

                    break;
                case AuditKind.OrderFilled:
                case AuditKind.OrderRejected:
                    long orderId = record.ClientOrderId;
                    if (orderId != 0 && Oldest(e => e.OrderId == orderId) is { } settled)
                    {
                        settled.Fate = record.Kind == AuditKind.OrderFilled ? SignalFate.Filled : SignalFate.Rejected;
                        settled.Reason = record.Reason;
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
            var views = new List<SignalView>(_entries.Count);
            foreach (Entry e in _entries)
            {
                AuditRecord s = e.Signal;
                string detail = e.Fate switch
                {
                    SignalFate.Rejected => e.Reason.ToString(),
                    SignalFate.Executed or SignalFate.Filled => "#" + e.OrderId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    _ => string.Empty,
                };
                views.Add(new SignalView(s.TsEventNs, symbols.GetName(s.SymbolId), SideText(s.Side), SourceText(s, sources), s.ConfidencePpm / 1_000_000m, e.Fate, detail));
            }

            return views;
        }
    }

    private Entry? AwaitingVerdict(in AuditRecord verdict)
    {
        AuditRecord v = verdict;
        return Oldest(e => e.Fate == SignalFate.Pending && !e.Passed && Same(e.Signal, v));
    }

    private Entry? Oldest(Func<Entry, bool> match)
    {
        for (LinkedListNode<Entry>? node = _entries.Last; node is not null; node = node.Previous)
        {
            if (match(node.Value))
            {
                return node.Value;
            }
        }

        return null;
    }

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

    private sealed class Entry
    {
        public AuditRecord Signal;
        public SignalFate Fate;
        public bool Passed;
        public long OrderId;
        public RejectReason Reason;
    }
}
