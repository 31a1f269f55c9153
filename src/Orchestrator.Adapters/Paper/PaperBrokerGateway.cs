using Disruptor;
using Orchestrator.Core;
using Orchestrator.Engine.Metrics;

namespace Orchestrator.Adapters.Paper;

/// <summary>
/// The paper broker as the engine sees it: the outbound ring's consumer. Orders go to the
/// <see cref="PaperExchange"/>; market data reaches the exchange through
/// <see cref="OnMarketData"/> (before the engine sees it, as at a real venue); every execution
/// report is published back into the inbound ring through <paramref name="reports"/>.
/// Latency from the causing input's publication to the order's arrival here is recorded.
/// </summary>
/// <remarks>
/// Orders arrive on the gateway thread, market data on the feed thread: the exchange is
/// single-threaded, so both take one lock. This is the slow side of the gateway, not the
/// engine's fast path.
/// </remarks>
public sealed class PaperBrokerGateway(PaperExchange exchange, IExecutionReportSink reports, LatencyRecorder latency) : IValueEventHandler<OrderCommand>, IMarketDataSink
{
    private readonly object _gate = new();

    public PaperExchange Exchange { get; } = exchange;

    public long OrdersReceived { get; private set; }

    public void OnEvent(ref OrderCommand data, long sequence, bool endOfBatch)
    {
        if (data.Kind == OrderCommandKind.SubmitOrder)
        {
            latency.Record(data);
            OrdersReceived++;
            lock (_gate)
            {
                Exchange.Submit(data, reports);
            }
        }
        else if (data.Kind == OrderCommandKind.CancelOrder)
        {
            lock (_gate)
            {
                Exchange.Cancel(data.ClientOrderId, reports);
            }
        }
    }

    public void OnMarketData(in MarketTick tick)
    {
        lock (_gate)
        {
            Exchange.OnMarketData(tick, reports);
        }
    }

    /// <summary>Expires the day's open Day orders.</summary>
    public void EndOfDay(long tsEventNs)
    {
        lock (_gate)
        {
            Exchange.EndOfDay(tsEventNs, reports);
        }
    }

    /// <summary>
    /// After a restart from a journal, before any market data: the paper account as the journal
    /// left it (cash, positions, last prices), and the orders the engine recovered as open —
    /// those the venue had accepted rest again quietly; those it never acknowledged are submitted
    /// now (their answer comes as usual). Returns how many orders rest.
    /// </summary>
    public int Recover(long cashRaw, long[] positions, long[] lastPricesRaw, IReadOnlyList<(OrderCommand Order, long Leaves, bool Acknowledged)> openOrders)
    {
        ArgumentNullException.ThrowIfNull(openOrders);
        lock (_gate)
        {
            Exchange.RestoreAccount(cashRaw, positions, lastPricesRaw);
            foreach ((OrderCommand order, long leaves, bool acknowledged) in openOrders)
            {
                if (acknowledged)
                {
                    Exchange.Resume(order, leaves, reports);
                }
                else
                {
                    Exchange.Submit(order, reports);
                }
            }

            return Exchange.OpenOrderCount;
        }
    }

    /// <summary>Cash and positions as the venue sees them (for reconciliation and reports).</summary>
    public (long CashRaw, long[] Positions) Snapshot(int symbolCount)
    {
        lock (_gate)
        {
            var positions = new long[symbolCount];
            for (int i = 0; i < symbolCount; i++)
            {
                positions[i] = Exchange.GetPosition(i);
            }

            return (Exchange.CashRaw, positions);
        }
    }
}
