using System.Globalization;
using Orchestrator.Strategies;

namespace Orchestrator.Agents.Llm;

/// <summary>
/// When an <see cref="LlmStrategy"/> asks its model, in event time (agent_model.yaml <c>on: bar_close(5m)</c>
/// or <c>interval</c>): when a bar of <see cref="BarClose"/> closes (the first of its symbols' bars of that
/// period to close, on the input that closed it: its event time), or every <see cref="Interval"/> (at multiples of it since the epoch, through the host's timers).
/// </summary>
public sealed record LlmSchedule
{
    private LlmSchedule(Timeframe? barClose, TimeSpan? interval)
    {
        BarClose = barClose;
        Interval = interval;
    }

    /// <summary>Ask when a bar of this length closes; null for an interval schedule.</summary>
    public Timeframe? BarClose { get; }

    /// <summary>Ask every this long; null for a bar-close schedule.</summary>
    public TimeSpan? Interval { get; }

    /// <summary>The bars the strategy keeps and shows: the schedule's timeframe, or one minute for an interval schedule.</summary>
    public Timeframe BarLength => BarClose ?? Timeframe.OneMinute;

    /// <summary><c>on: bar_close(timeframe)</c>.</summary>
    public static LlmSchedule OnBarClose(Timeframe timeframe) =>
        timeframe.DurationNs > 0 ? new LlmSchedule(timeframe, null) : throw new ArgumentOutOfRangeException(nameof(timeframe), "A timeframe above 0.");

    /// <summary><c>interval</c>: at least a second.</summary>
    public static LlmSchedule Every(TimeSpan interval) =>
        interval >= TimeSpan.FromSeconds(1) ? new LlmSchedule(null, interval) : throw new ArgumentOutOfRangeException(nameof(interval), interval, "At least one second.");

    /// <summary>The first due time of an interval schedule strictly after <paramref name="eventTimeNs"/> (a multiple of the interval).</summary>
    internal long NextDueNs(long eventTimeNs)
    {
        long step = Interval!.Value.Ticks * 100;
        return ((eventTimeNs / step) + 1) * step;
    }

    /// <summary>For prompts and logs: <c>bar_close(5m)</c> or <c>every 300 s</c>.</summary>
    public override string ToString() => BarClose is { } tf
        ? "bar_close(" + tf + ")"
        : "every " + Interval!.Value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
