namespace Orchestrator.Daemon.Tests.Strategies;

/// <summary>The C# of the strategies the loading tests compile (<see cref="StrategyCompiler"/>).</summary>
internal static class TestStrategySources
{
    /// <summary>
    /// A strategy that trades often and in every way the venue treats differently: market orders both
    /// ways on every <c>every</c>-th bar of a symbol, and every third time a day limit buy below the
    /// market, which rests, fills on a later dip or expires at the end of the day. On the fast path by
    /// default; <c>slow_path: true</c> runs it on the strategy worker, its signals through the ring.
    /// <c>pause_at: N</c> (slow path only) blocks its worker for good when the N-th trade of its second
    /// symbol arrives, before it counts it, after printing <c>alternator paused</c>: a quiet moment for
    /// a test to kill the daemon at (lock-step waits for the worker).
    /// </summary>
    public const string Alternator = """
        using System.Collections.Generic;
        using Orchestrator.Core;
        using Orchestrator.Strategies;

        namespace Proof;

        public sealed class AlternatorOptions : IStrategyOptions
        {
            public int Every { get; set; } = 10;
            public long Quantity { get; set; } = 5;
            public long DipPerMille { get; set; } = 2;
            public bool SlowPath { get; set; }
            public long PauseAt { get; set; }

            public IEnumerable<string> Validate()
            {
                if (Every < 1)
                {
                    yield return "every: must be at least 1";
                }
            }
        }

        public sealed class Alternator : Strategy<AlternatorOptions>
        {
            private readonly long[] _seen = new long[256];

            public override StrategyThreading Threading => Options.SlowPath ? StrategyThreading.SlowPath : StrategyThreading.FastPath;

            public override void OnTick(in Tick tick)
            {
                if (!tick.HasTrade || (uint)tick.SymbolId >= (uint)_seen.Length)
                {
                    return;
                }

                if (Options.PauseAt > 0 && tick.SymbolId == Context.SymbolId(Context.Symbols[1]) && _seen[tick.SymbolId] + 1 == Options.PauseAt)
                {
                    System.Console.Out.WriteLine("alternator paused");
                    System.Console.Out.Flush();
                    System.Threading.Thread.Sleep(System.Threading.Timeout.Infinite);
                }

                long n = ++_seen[tick.SymbolId];
                if (n % Options.Every != 0)
                {
                    return;
                }

                if ((n / Options.Every) % 3 == 0)
                {
                    long limit = tick.PriceRaw - (tick.PriceRaw / 1000 * Options.DipPerMille);
                    Context.Submit(new StrategySignal { SymbolId = tick.SymbolId, Side = Side.Buy, Quantity = Options.Quantity, OrderType = OrderType.Limit, LimitPriceRaw = limit, Reason = "dip" });
                    return;
                }

                Side side = Context.Position(tick.SymbolId) > 0 ? Side.Sell : Side.Buy;
                Context.Submit(new StrategySignal { SymbolId = tick.SymbolId, Side = side, Quantity = Options.Quantity, Reason = "flip" });
            }
        }
        """;

    /// <summary>A private dependency: an assembly only the strategy's folder has.</summary>
    public const string Helper = """
        namespace Test.Helper;

        public static class Greeting
        {
            public static string Text => "from the strategy's own folder";
        }
        """;

    /// <summary>Strategies good and bad (Test.Strategies.*); <c>WithHelper</c> needs <see cref="Helper"/>.</summary>
    public const string Strategies = """
        using System;
        using System.Collections.Generic;
        using Orchestrator.Core;
        using Orchestrator.Strategies;

        namespace Test.Strategies;

        public enum Mode { Quiet, VeryLoud }

        public sealed class BuyerOptions : IStrategyOptions
        {
            public long Quantity { get; set; } = 10;
            public decimal Threshold { get; set; } = 0.5m;
            public int RangeMinutes { get; set; } = 15;
            public TimeSpan Cooldown { get; set; } = TimeSpan.FromSeconds(30);
            public bool Aggressive { get; set; }
            public double Weight { get; set; } = 1.0;
            public Mode Mode { get; set; }
            public Timeframe Bar { get; set; } = Timeframe.OneMinute;
            public IReadOnlyList<string> Tags { get; set; } = [];
            public int[] Levels { get; set; } = [];
            public decimal? Cap { get; set; }
            public string Note { get; init; } = "";
            public int ReadOnlyCount => 3;

            public IEnumerable<string> Validate()
            {
                if (Quantity < 1)
                {
                    yield return $"quantity: must be at least 1 (was {Quantity})";
                }

                if (RangeMinutes > 390)
                {
                    yield return $"range_minutes: at most a session (390), got {RangeMinutes}";
                }

                if (Aggressive && Weight > 2)
                {
                    yield return "aggressive with a weight above 2 is too much";
                }
            }
        }

        public sealed class Buyer : Strategy<BuyerOptions>
        {
            public static int Constructed;

            public Buyer() => Constructed++;
        }

        public sealed class SlowOne : Strategy<BuyerOptions>
        {
            public override StrategyThreading Threading => StrategyThreading.SlowPath;
        }

        public sealed class NoOptions : IStrategy
        {
            public StrategyThreading Threading => StrategyThreading.FastPath;
            public IReadOnlyList<Timeframe> Timeframes => [];
            public void OnStart(IStrategyContext context) { }
            public void OnTick(in Tick tick) { }
            public void OnBar(in Bar bar) { }
            public void OnOrderUpdate(in OrderUpdate update) { }
            public void OnFill(in Fill fill) { }
            public void OnTimer(long eventTimeNs) { }
        }

        public sealed class EmptyOptions
        {
        }

        public sealed class Throwing : Strategy<EmptyOptions>
        {
            public Throwing() => throw new InvalidOperationException("the model file is missing");
        }

        public sealed class NeedsArguments : Strategy<EmptyOptions>
        {
            public NeedsArguments(int size) => _ = size;
        }

        public sealed class NotAStrategy
        {
        }

        public abstract class Unfinished : Strategy<EmptyOptions>
        {
        }

        public sealed class WithHelper : Strategy<EmptyOptions>
        {
            public WithHelper() => Text = Test.Helper.Greeting.Text;

            public string Text { get; }
        }
        """;
}
