using NLog;
using Orchestrator.Engine.Options;

namespace Orchestrator.Daemon.Configuration;

/// <summary>
/// Watches <c>risk_management.yaml</c> while the daemon runs. An edit (debounced, since editors
/// write in several steps) is validated exactly like at start-up; a valid one goes to the
/// engine as a live change, an invalid one is rejected with the same error lines and the
/// running limits stay. Nothing a reload throws leaves the timer's callback: it is logged as a
/// rejected edit.
/// </summary>
public sealed class RiskFileWatcher : IDisposable
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator");

    private readonly string _directory;
    private readonly Func<RiskParameters> _current;
    private readonly Func<RiskParameters, long> _apply;
    private readonly FileSystemWatcher _watcher;
    private readonly Timer _debounce;
    private readonly TimeSpan _delay;
    private readonly object _gate = new();
    private long _applied;
    private long _rejected;

    /// <param name="directory">The configuration directory.</param>
    /// <param name="current">The parameters in force.</param>
    /// <param name="apply">Sends validated parameters to the engine and returns their version.</param>
    /// <param name="debounce">Quiet time after the last change before reloading.</param>
    public RiskFileWatcher(string directory, Func<RiskParameters> current, Func<RiskParameters, long> apply, TimeSpan? debounce = null)
    {
        _directory = directory;
        _current = current;
        _apply = apply;
        _delay = debounce ?? TimeSpan.FromMilliseconds(500);
        _debounce = new Timer(_ => ReloadSafely(), null, Timeout.Infinite, Timeout.Infinite);
        _watcher = new FileSystemWatcher(directory, ConfigLoader.RiskFile) { NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size };
        _watcher.Changed += (_, _) => Schedule();
        _watcher.Created += (_, _) => Schedule();
        _watcher.Renamed += (_, _) => Schedule();
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>Edits applied so far.</summary>
    public long Applied => Interlocked.Read(ref _applied);

    /// <summary>Edits rejected so far.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    private void Schedule() => _debounce.Change(_delay, Timeout.InfiniteTimeSpan);

    /// <summary>
    /// The timer's callback: an exception escaping a timer thread ends the process, so whatever
    /// goes wrong is logged and counted as a rejected edit, and the running limits stay.
    /// </summary>
    private void ReloadSafely()
    {
        try
        {
            Reload();
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _rejected);
            s_logger.Error("Configuration change rejected, running limits stay: {0}: {1}", Path.Combine(_directory, ConfigLoader.RiskFile), ex.Message);
        }
    }

    /// <summary>Validates the directory again and applies the risk part if it changed.</summary>
    public void Reload()
    {
        lock (_gate)
        {
            (DaemonConfig? config, IReadOnlyList<ConfigError> errors) = ConfigLoader.Load(_directory);
            if (config is null)
            {
                foreach (ConfigError error in errors)
                {
                    s_logger.Error("Configuration change rejected, running limits stay: {0}", error.ToString());
                }

                Interlocked.Increment(ref _rejected);
                return;
            }

            var next = new RiskParameters(config.Engine.Risk, config.Engine.Sizing, config.Engine.Exits);
            RiskParameters current = _current();
            if (next.Risk with { AllowedSymbols = [] } == current.Risk with { AllowedSymbols = [] }
                && next.Risk.AllowedSymbols.SequenceEqual(current.Risk.AllowedSymbols)
                && next.Sizing == current.Sizing && next.Exits == current.Exits)
            {
                return; // the file was touched, nothing changed
            }

            long version = _apply(next);
            Interlocked.Increment(ref _applied);
            s_logger.Warn("{0} changed: risk parameters version {1} sent to the engine", ConfigLoader.RiskFile, version);
        }
    }

    public void Dispose()
    {
        _watcher.Dispose();
        _debounce.Dispose();
    }
}
