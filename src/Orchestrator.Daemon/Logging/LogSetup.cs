using NLog;
using NLog.Config;
using NLog.Layouts;
using NLog.Targets;
using Orchestrator.Daemon.Configuration;

namespace Orchestrator.Daemon.Logging;

/// <summary>
/// NLog for the daemon: human lines on the console in the brief's form
/// (<c>[2025-09-26 10:30:15] [ORCHESTRATOR] [INFO] Signal received: …</c>), the same lines in the
/// rolling <c>logs/orchestrator.log</c>, and JSON lines in <c>logs/orchestrator.jsonl</c> for
/// machines (and <c>orchestrator tail</c>, which follows it across rolls). Both files roll the same
/// way (every day and at <see cref="RollingFileMaxBytes"/>, <see cref="RollingFileArchives"/> kept
/// each). The three are the daemon's own targets (<see cref="OrchestratorConsoleTarget"/>,
/// <see cref="OrchestratorFileTarget"/>): one writer each, shared by NLog's lines and the audit
/// thread's, which <see cref="NLogAuditWriter"/> renders as bytes without NLog (issue 16).
/// <c>config/NLog.config</c>, when present, replaces all of it; one NLog cannot load is a
/// configuration error (ConfigLoader reports it), never a run with no output.
/// </summary>
public static class LogSetup
{
    public const string HumanLayout = "[${date:format=yyyy-MM-dd HH\\:mm\\:ss}] [${logger:shortName=true:uppercase=true}] [${orc-level}] ${message}${onexception:${newline}${exception:format=tostring}}";

    public static void Configure(string configDirectory, string logDirectory, bool console = true)
    {
        RegisterLevelRenderer();
        GlobalDiagnosticsContext.Set("logdir", Path.GetFullPath(logDirectory)); // relative to the working directory, not the binary
        string custom = Path.Combine(configDirectory, CustomConfigFile);
        if (File.Exists(custom) && CustomConfigurationProblem(custom) is null)
        {
            LogManager.Setup().LoadConfigurationFromFile(Path.GetFullPath(custom), optional: false);
            return;
        }

        // No custom file, or a broken one: the built-in setup, so that the configuration error
        // (reported by ConfigLoader, which stops the command) reaches the console and the logs.
        LogManager.Configuration = BuildConfiguration(logDirectory, console);
    }

    /// <summary>The custom logging configuration's name in the configuration directory.</summary>
    public const string CustomConfigFile = "NLog.config";

    /// <summary>
    /// Why the NLog configuration at <paramref name="path"/> cannot be used (malformed XML, an unknown
    /// target, layout or attribute), or null when it can or there is no such file. NLog itself would
    /// log nothing and carry on; parsed here on a separate factory that throws on every problem.
    /// </summary>
    public static string? CustomConfigurationProblem(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        using var factory = new LogFactory { ThrowConfigExceptions = true, ThrowExceptions = false };
        factory.Setup().SetupExtensions(RegisterExtensions);
        try
        {
            _ = new XmlLoggingConfiguration(Path.GetFullPath(path), factory);
            return null;
        }
        catch (Exception ex) when (ex is NLogConfigurationException or System.Xml.XmlException or IOException or UnauthorizedAccessException or ArgumentException or FormatException or NotSupportedException)
        {
            Exception innermost = ex;
            while (innermost.InnerException is not null)
            {
                innermost = innermost.InnerException;
            }

            return "is not a usable NLog configuration: " + ConfigError.FirstLine(innermost.Message).Trim(); // the innermost says what and where
        }
    }

    /// <summary>
    /// The built-in configuration: console (human lines), <c>orchestrator.log</c> (the same lines)
    /// and <c>orchestrator.jsonl</c> (JSON lines with the events' structured fields), both files
    /// rolled daily and at <see cref="RollingFileMaxBytes"/>, the newest <see cref="RollingFileArchives"/>
    /// archives of each kept (at 100,000 ticks/s the JSON lines grow by ~370 MB a minute).
    /// </summary>
    public static LoggingConfiguration BuildConfiguration(string logDirectory, bool console = true)
    {
        RegisterLevelRenderer();
        var config = new LoggingConfiguration();
        if (console)
        {
            var consoleTarget = new OrchestratorConsoleTarget { Name = "console", Layout = HumanLayout };
            config.AddRule(LogLevel.Info, LogLevel.Fatal, consoleTarget);
        }

        var json = new OrchestratorFileTarget
        {
            Name = JsonFileTarget,
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
        };
        config.AddRule(LogLevel.Info, LogLevel.Fatal, json);

        var file = new OrchestratorFileTarget
        {
            Name = RollingFileTarget,
            FileName = Path.Combine(Path.GetFullPath(logDirectory), "orchestrator.log"),
            Layout = HumanLayout,
        };
        config.AddRule(LogLevel.Info, LogLevel.Fatal, file);
        return config;
    }

    /// <summary>The rolling human log's target name (built-in configuration and config/NLog.config).</summary>
    public const string RollingFileTarget = "file";

    /// <summary>The rolling JSON-lines log's target name (built-in configuration and config/NLog.config).</summary>
    public const string JsonFileTarget = "json";

    /// <summary>orchestrator.log and orchestrator.jsonl each roll over at this size, besides every day.</summary>
    public const long RollingFileMaxBytes = 100L * 1024 * 1024;

    /// <summary>Rolled-over files of orchestrator.log, and of orchestrator.jsonl, kept (the oldest are deleted).</summary>
    public const int RollingFileArchives = 14;

    private static int s_levelRendererRegistered;
    private static int s_routingVersion;
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<LogFactory, object> s_watched = []; // weak: a factory is not kept alive

    /// <summary>
    /// Changes each time a watched NLog is reconfigured or <see cref="SuspendConsole"/> takes the
    /// console out of the rules or puts it back: the audit writer then routes again.
    /// </summary>
    public static int RoutingVersion => Volatile.Read(ref s_routingVersion); // acquire: pairs with the Interlocked bumps

    /// <summary>Bumps <see cref="RoutingVersion"/> whenever <paramref name="factory"/> is reconfigured (once per factory).</summary>
    public static void WatchRouting(LogFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        lock (s_watched)
        {
            if (s_watched.TryAdd(factory, s_watched))
            {
                factory.ConfigurationChanged += static (_, _) => Interlocked.Increment(ref s_routingVersion);
            }
        }

        Interlocked.Increment(ref s_routingVersion);
    }

    private static void RegisterLevelRenderer()
    {
        if (Interlocked.Exchange(ref s_levelRendererRegistered, 1) == 0)
        {
            LogManager.Setup().SetupExtensions(RegisterExtensions);
        }
    }

    /// <summary>${orc-level}, and the daemon's targets OrchestratorFile and OrchestratorConsole.</summary>
    private static void RegisterExtensions(NLog.Config.ISetupExtensionsBuilder setup) => setup
        .RegisterLayoutRenderer("orc-level", e => LevelName(e.Level))
        .RegisterTarget<OrchestratorFileTarget>(OrchestratorFileTarget.TypeName)
        .RegisterTarget<OrchestratorConsoleTarget>(OrchestratorConsoleTarget.TypeName);

    /// <summary>
    /// Takes the console targets out of every rule until the result is disposed (the live
    /// dashboard owns the terminal then); the file targets keep everything.
    /// </summary>
    public static IDisposable SuspendConsole(LogFactory? factory = null)
    {
        factory ??= LogManager.LogFactory;
        LoggingConfiguration? config = factory.Configuration;
        var removed = new List<(LoggingRule Rule, Target Target)>();
        if (config is not null)
        {
            foreach (LoggingRule rule in config.LoggingRules)
            {
                foreach (Target target in rule.Targets.Where(WritesToConsole).ToList())
                {
                    rule.Targets.Remove(target);
                    removed.Add((rule, target));
                }
            }

            factory.ReconfigExistingLoggers();
            Interlocked.Increment(ref s_routingVersion); // atomic: the audit thread reads it
        }

        return new ConsoleRestorer(factory, removed);
    }

    private static bool WritesToConsole(Target target) => target switch
    {
        ConsoleTarget or ColoredConsoleTarget or OrchestratorConsoleTarget => true,
        NLog.Targets.Wrappers.WrapperTargetBase wrapper => wrapper.WrappedTarget is { } inner && WritesToConsole(inner),
        _ => false,
    };

    private sealed class ConsoleRestorer(LogFactory factory, List<(LoggingRule Rule, Target Target)> removed) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0 || removed.Count == 0)
            {
                return;
            }

            foreach ((LoggingRule rule, Target target) in removed)
            {
                rule.Targets.Add(target);
            }

            factory.ReconfigExistingLoggers();
            Interlocked.Increment(ref s_routingVersion);
        }
    }

    private static string LevelName(LogLevel level) =>
        level == LogLevel.Warn ? "WARNING"
        : level == LogLevel.Fatal ? "CRITICAL"
        : level.Name.ToUpperInvariant();
}
