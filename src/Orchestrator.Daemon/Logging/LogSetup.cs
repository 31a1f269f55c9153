using NLog;
using NLog.Config;
using NLog.Layouts;
using NLog.Targets;

namespace Orchestrator.Daemon.Logging;

/// <summary>
/// NLog for the daemon: human lines on the console in the brief's form
/// (<c>[2025-09-26 10:30:15] [ORCHESTRATOR] [INFO] Signal received: …</c>) and JSON lines in
/// <c>logs/orchestrator.jsonl</c> for machines. <c>config/NLog.config</c>, when present,
/// replaces all of it.
/// </summary>
public static class LogSetup
{
    public const string HumanLayout = "[${date:format=yyyy-MM-dd HH\\:mm\\:ss}] [${logger:shortName=true:uppercase=true}] [${orc-level}] ${message}${onexception:${newline}${exception:format=tostring}}";

    public static void Configure(string configDirectory, string logDirectory, bool console = true)
    {
        LogManager.Setup().SetupExtensions(s => s.RegisterLayoutRenderer("orc-level", e => LevelName(e.Level)));
        GlobalDiagnosticsContext.Set("logdir", Path.GetFullPath(logDirectory)); // relative to the working directory, not the binary
        string custom = Path.Combine(configDirectory, "NLog.config");
        if (File.Exists(custom))
        {
            LogManager.Setup().LoadConfigurationFromFile(Path.GetFullPath(custom), optional: false);
            return;
        }

        var config = new LoggingConfiguration();
        if (console)
        {
            var consoleTarget = new ConsoleTarget("console") { Layout = HumanLayout, AutoFlush = true };
            config.AddRule(LogLevel.Info, LogLevel.Fatal, consoleTarget);
        }

        var json = new FileTarget("json")
        {
            FileName = Path.Combine(Path.GetFullPath(logDirectory), "orchestrator.jsonl"), // relative to the working directory, not the binary
            Layout = new JsonLayout
            {
                Attributes =
                {
                    new JsonAttribute("time", "${date:universalTime=true:format=o}"),
                    new JsonAttribute("level", "${orc-level}"),
                    new JsonAttribute("logger", "${logger}"),
                    new JsonAttribute("message", "${message}"),
                    new JsonAttribute("exception", "${exception:format=tostring}"),
                },
                IncludeEventProperties = true,
            },
            KeepFileOpen = true,
        };
        config.AddRule(LogLevel.Info, LogLevel.Fatal, json);
        LogManager.Configuration = config;
    }

    private static string LevelName(LogLevel level) =>
        level == LogLevel.Warn ? "WARNING"
        : level == LogLevel.Fatal ? "CRITICAL"
        : level.Name.ToUpperInvariant();
}
