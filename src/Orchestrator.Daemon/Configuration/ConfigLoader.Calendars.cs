using Orchestrator.Engine.Options;

namespace Orchestrator.Daemon.Configuration;

/// <summary>
/// <c>calendars:</c> of <c>daemon.yaml</c> (issue 19): <c>exchange</c> = sessions, trading days and Day-order
/// expiry by each instrument's exchange calendar (the shipped KRX and NYSE/Nasdaq calendars, README
/// "Exchange calendars"); <c>utc</c> (the default) = the UTC session window of <c>risk_management.yaml</c>
/// and Day orders ending at UTC midnight. Fixed for the run; the backtest reads the same key.
/// </summary>
public static partial class ConfigLoader
{
    private static EngineOptions ReadCalendars(YamlSection? daemon, EngineOptions engine) =>
        daemon is null ? engine : engine with
        {
            UseExchangeCalendars = daemon.GetEnum("calendars", engine.UseExchangeCalendars, new Dictionary<string, bool> { ["exchange"] = true, ["utc"] = false }),
        };
}
