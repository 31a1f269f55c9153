using System.Text.Json;

namespace Orchestrator.Daemon.Tests.Strategies;

/// <summary>Orders and fills read from a backtest's <c>--orders-log</c> or the daemon's JSON audit log (the same fields), and compared.</summary>
internal static class TradeLog
{
    public static void AssertSame(List<Trade> backtest, List<Trade> live)
    {
        foreach (string kind in new[] { "order_submitted", "order_filled" })
        {
            List<Trade> expected = [.. backtest.Where(t => t.Event == kind)];
            List<Trade> actual = [.. live.Where(t => t.Event == kind)];
            for (int i = 0; i < Math.Min(expected.Count, actual.Count); i++)
            {
                Assert.True(expected[i] == actual[i], $"{kind} #{i}: backtest {expected[i]}, live {actual[i]}");
            }

            Assert.Equal(expected.Count, actual.Count);
        }
    }

    /// <summary>An order sent or a fill: when, what, how many, at what price (an order's price: its limit, if any).</summary>
    public readonly record struct Trade(string Event, long TsEventNs, string Symbol, string Side, long Quantity, decimal? Price);

    /// <summary>order_submitted and order_filled lines (partial fills count as fills) of a JSON lines file, in file order.</summary>
    public static List<Trade> Read(string path)
    {
        var trades = new List<Trade>();
        foreach (string line in File.ReadLines(path))
        {
            using JsonDocument document = JsonDocument.Parse(line);
            JsonElement e = document.RootElement;
            string? kind = e.TryGetProperty("event", out JsonElement name) ? name.GetString() : null;
            kind = kind == "order_partially_filled" ? "order_filled" : kind;
            if (kind is not ("order_submitted" or "order_filled"))
            {
                continue;
            }

            trades.Add(new Trade(kind, e.GetProperty("ts_event").GetInt64(), e.GetProperty("symbol").GetString()!, e.GetProperty("side").GetString()!,
                e.GetProperty("qty").GetInt64(), e.TryGetProperty("price", out JsonElement price) ? price.GetDecimal() : null));
        }

        return trades;
    }
}
