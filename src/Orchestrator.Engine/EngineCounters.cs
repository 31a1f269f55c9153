using Orchestrator.Core;

namespace Orchestrator.Engine;

/// <summary>
/// What the engine has done, counted by the stages on their own threads (plain increments:
/// each counter has one writer) and read by the slow path for status lines and reports.
/// </summary>
public sealed class EngineCounters
{
    private readonly long[] _rejects = new long[Enum.GetValues<RejectReason>().Length];
    private readonly long[] _finalStates = new long[Enum.GetValues<OrderStatus>().Length];

    public long Events;
    public long TradeTicks;
    public long QuoteTicks;
    public long Bars;
    public long ExternalSignals;
    public long RuleSignals;
    public long ProtectiveExits;
    public long Commands;
    public long ExecutionReports;
    public long OrdersSubmitted;
    public long Fills;
    public long PartialFills;
    public long CancelsSent;
    public long IllegalReports;

    public void Reject(RejectReason reason) => _rejects[(int)reason]++;

    /// <summary>An order reached a terminal state.</summary>
    public void OrderFinished(OrderStatus status) => _finalStates[(int)status]++;

    /// <summary>Orders that ended in <paramref name="status"/> (terminal states only).</summary>
    public long OrdersFinished(OrderStatus status) => Volatile.Read(ref _finalStates[(int)status]);

    public long Rejects(RejectReason reason) => Volatile.Read(ref _rejects[(int)reason]);

    public long TotalRejects
    {
        get
        {
            long total = 0;
            for (int i = 0; i < _rejects.Length; i++)
            {
                total += Volatile.Read(ref _rejects[i]);
            }

            return total;
        }
    }
}
