using Disruptor;
using Orchestrator.Core;
using Orchestrator.Engine.Metrics;

namespace Orchestrator.Adapters.Paper;

/// <summary>
/// The paper broker as the engine sees it: the outbound ring's consumer. Orders go to the
/// <see cref="PaperExchange"/>; market data reaches the exchange through
/// <see cref="OnMarketData"/> (before the engine sees it, as at a real venue); every execution
/// report is published back into the inbound ring through the reports sink.
/// Latency from the causing input's publication to the order's arrival here is recorded.
/// </summary>
/// <remarks>
/// <para>Orders arrive on the gateway thread, market data on the feed thread, queries on the slow
/// path: the exchange is single-threaded, so every call takes one lock. The lock covers the
/// exchange only — its reports go to an <see cref="ExecutionReportOutbox"/> and are published after
/// the lock is released, by one thread at a time and in the order they were produced, so a full
/// inbound ring stalls the thread that publishes, never the other callers (issue 16). A caller
/// whose reports another thread is publishing returns without waiting; without contention (a
/// backtest, one feed) each caller publishes its own reports before it returns, as before.</para>
/// <para>Steady state allocates nothing: the outbox, the exchange's slots and the latency histogram
/// are pre-allocated.</para>
/// </remarks>
public sealed class PaperBrokerGateway : IValueEventHandler<OrderCommand>, IMarketDataSink
{
    private readonly Lock _gate = new();
    private readonly ExecutionReportOutbox _outbox;
    private readonly LatencyRecorder _latency;

    public PaperBrokerGateway(PaperExchange exchange, IExecutionReportSink reports, LatencyRecorder latency)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        ArgumentNullException.ThrowIfNull(reports);
        Exchange = exchange;
        _latency = latency;
        // A tick can fill and then cancel (IOC, FOK) every open order: room for two reports each, and one more.
        _outbox = new ExecutionReportOutbox(reports, MostReportsPerCall(exchange.Options.MaxOpenOrders));
    }

    public PaperExchange Exchange { get; }

    public long OrdersReceived { get; private set; }

    public void OnEvent(ref OrderCommand data, long sequence, bool endOfBatch)
    {
        if (data.Kind == OrderCommandKind.SubmitOrder)
        {
            _latency.Record(data);
            OrdersReceived++;
            EnterWithRoom();
            try
            {
                Exchange.Submit(data, _outbox);
            }
            finally
            {
                ExitAndPublish();
            }
        }
        else if (data.Kind == OrderCommandKind.CancelOrder)
        {
            EnterWithRoom();
            try
            {
                Exchange.Cancel(data.ClientOrderId, _outbox);
            }
            finally
            {
                ExitAndPublish();
            }
        }
        else if (data.Kind == OrderCommandKind.AmendOrder)
        {
            EnterWithRoom();
            try
            {
                Exchange.Amend(data, _outbox);
            }
            finally
            {
                ExitAndPublish();
            }
        }
    }

    public void OnMarketData(in MarketTick tick)
    {
        EnterWithRoom();
        try
        {
            Exchange.OnMarketData(tick, _outbox);
        }
        finally
        {
            ExitAndPublish();
        }
    }

    /// <summary>Expires the day's open Day orders.</summary>
    public void EndOfDay(long tsEventNs) => EndOfDay(tsEventNs, null);

    /// <summary>Expires the open Day orders of <paramref name="symbols"/> (by id; null = all): one exchange's close.</summary>
    public void EndOfDay(long tsEventNs, bool[]? symbols)
    {
        EnterWithRoom();
        try
        {
            Exchange.EndOfDay(tsEventNs, symbols, _outbox);
        }
        finally
        {
            ExitAndPublish();
        }
    }

    /// <summary>
    /// After a restart from a journal, before any market data: the paper account as the journal
    /// left it (cash, positions, last prices), and the orders the engine recovered as open —
    /// those the venue had accepted rest again quietly; those it never acknowledged are submitted
    /// now (their answer comes as usual). An order whose cancel was in flight at the crash is canceled
    /// now (the cancel is re-sent: its Canceled report follows); one whose amend was in flight
    /// (<paramref name="openOrders"/>' Amend, an <see cref="OrderCommandKind.AmendOrder"/>) is amended
    /// again (Replaced or AmendRejected follows). Returns how many orders rest. With several currencies
    /// (<see cref="PaperExchangeOptions.Currencies"/>) <paramref name="cashRawByCurrency"/> gives each one's cash
    /// (by currency id, the base's included); without it only the base's (<paramref name="cashRaw"/>) is restored.
    /// </summary>
    public int Recover(long cashRaw, long[] positions, long[] lastPricesRaw, IReadOnlyList<(OrderCommand Order, long Leaves, bool Acknowledged, bool CancelPending, OrderCommand Amend)> openOrders, long[]? cashRawByCurrency = null)
    {
        ArgumentNullException.ThrowIfNull(openOrders);
        EnterWithRoom();
        try
        {
            Exchange.RestoreAccount(cashRaw, positions, lastPricesRaw);
            if (cashRawByCurrency is not null)
            {
                Exchange.RestoreCash(cashRawByCurrency);
            }
            foreach ((OrderCommand order, long leaves, bool acknowledged, bool cancelPending, OrderCommand amend) in openOrders)
            {
                if (_outbox.Free < MostReportsPerCall(Exchange.OpenOrderCount))
                {
                    ExitAndPublish(); // no market data yet: letting go between orders changes nothing
                    EnterWithRoom();
                }

                if (acknowledged)
                {
                    Exchange.Resume(order, leaves, _outbox);
                }
                else
                {
                    Exchange.Submit(order, _outbox);
                }

                if (cancelPending)
                {
                    Exchange.Cancel(order.ClientOrderId, _outbox);
                }
                else if (amend.Kind == OrderCommandKind.AmendOrder)
                {
                    Exchange.Amend(amend, _outbox);
                }
            }

            return Exchange.OpenOrderCount;
        }
        finally
        {
            ExitAndPublish();
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

    private static int MostReportsPerCall(int openOrders) => (2 * openOrders) + 1;

    /// <summary>
    /// Takes the lock with room in the outbox for whatever the next call can report (two per open
    /// order, and one). Without room it lets go and publishes, or waits for the thread publishing —
    /// never holding the lock while it waits.
    /// </summary>
    private void EnterWithRoom()
    {
        var spin = default(SpinWait);
        while (true)
        {
            _gate.Enter();
            int needed = Math.Min(MostReportsPerCall(Exchange.OpenOrderCount), _outbox.Capacity);
            if (_outbox.Free >= needed)
            {
                return;
            }

            _gate.Exit();
            _outbox.Drain();
            spin.SpinOnce();
        }
    }

    /// <summary>Lets go of the lock, then publishes what is queued (unless another thread is publishing it).</summary>
    private void ExitAndPublish()
    {
        _gate.Exit();
        _outbox.Drain();
    }
}
