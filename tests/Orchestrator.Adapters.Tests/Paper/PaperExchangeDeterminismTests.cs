using Orchestrator.Adapters.Paper;
using Orchestrator.Core;
using static Orchestrator.Adapters.Tests.Paper.PaperInputs;

namespace Orchestrator.Adapters.Tests.Paper;

public sealed class PaperExchangeDeterminismTests
{
    [Fact]
    public void SameInputs_ProduceIdenticalReportsAndState()
    {
        (List<ExecutionReport> first, long firstCash, long firstPosition) = Run();
        (List<ExecutionReport> second, long secondCash, long secondPosition) = Run();

        Assert.True(first.Count > 50);
        Assert.Equal(first, second);
        Assert.Equal(firstCash, secondCash);
        Assert.Equal(firstPosition, secondPosition);
    }

    /// <summary>A scripted session over two symbols: every order type and time in force, every kind of market data.</summary>
    private static (List<ExecutionReport> Reports, long Cash, long Position) Run()
    {
        PaperExchange exchange = NewExchange(commissionBps: 2, minimumCommissionRaw: 10_000);
        var sink = new RecordingSink();
        var random = new Random(1234);
        long id = 0;
        long ts = 0;
        for (int step = 0; step < 400; step++)
        {
            int symbol = random.Next(2);
            long price = 100_000_000 + (random.Next(-200, 201) * 10_000);
            ts += 1_000;
            Side side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
            var tif = (TimeInForce)random.Next(4);
            switch (random.Next(7))
            {
                case 0:
                    exchange.Submit(Market(++id, side, random.Next(1, 20), tif, symbol), sink);
                    break;
                case 1:
                    exchange.Submit(Limit(++id, side, random.Next(1, 20), price, tif, symbol), sink);
                    break;
                case 2:
                    exchange.Submit(StopLimit(++id, side, random.Next(1, 20), price, price + 50_000, tif, symbol), sink);
                    break;
                case 3:
                    exchange.OnMarketData(Trade(price, random.Next(0, 15), ts, symbol), sink);
                    break;
                case 4:
                    exchange.OnMarketData(Quote(price - 10_000, random.Next(0, 15), price + 10_000, random.Next(0, 15), ts, symbol), sink);
                    break;
                case 5:
                    exchange.OnMarketData(Bar(price, price + 300_000, price - 300_000, price + 100_000, random.Next(0, 30), ts, symbol), sink);
                    break;
                default:
                    exchange.Cancel(random.Next(1, (int)id + 2), sink);
                    break;
            }

            if (step % 100 == 99)
            {
                exchange.EndOfDay(ts, sink);
            }
        }

        return (sink.Reports, exchange.CashRaw, exchange.GetPosition(0));
    }
}
