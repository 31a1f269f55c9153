using NLog;
using Orchestrator.Daemon.Control;
using Orchestrator.Daemon.Logging;
using Spectre.Console;

namespace Orchestrator.Daemon.Display;

/// <summary>
/// The live console dashboard: a thread of its own (named "display") that, while the display
/// is enabled, keeps a Spectre live view refreshed at the configured interval from
/// <see cref="DashboardSource"/>. While the view is up the console log target is suspended (the
/// log files keep every line), so log output never garbles it; it comes back when the display
/// is disabled (<c>update_display_config</c>) or the dashboard stops.
/// </summary>
public sealed class ConsoleDashboard : IDisposable
{
    private static readonly Logger s_logger = LogManager.GetLogger("Orchestrator");

    private readonly DashboardSource _source;
    private readonly Func<DisplayConfig> _config;
    private readonly IAnsiConsole _console;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private int _disposed;

    public ConsoleDashboard(DashboardSource source, Func<DisplayConfig> config, IAnsiConsole console)
    {
        _source = source;
        _config = config;
        _console = console;
        _thread = new Thread(Run) { Name = "display", IsBackground = true };
    }

    /// <summary>
    /// Whether this process may draw a dashboard: not with <c>--headless</c>, not when stdout is
    /// redirected (a pipe, a file, a test), not under systemd (it sets INVOCATION_ID, and
    /// JOURNAL_STREAM when stdout is the journal), not on a dumb terminal.
    /// </summary>
    public static bool IsInteractive(bool headless, bool outputRedirected, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return !headless
            && !outputRedirected
            && string.IsNullOrEmpty(environment("INVOCATION_ID"))
            && string.IsNullOrEmpty(environment("JOURNAL_STREAM"))
            && environment("TERM") != "dumb";
    }

    public void Start() => _thread.Start();

    private void Run()
    {
        CancellationToken token = _stop.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                DisplayConfig config = _config();
                if (!config.Enabled)
                {
                    token.WaitHandle.WaitOne(config.RefreshInterval); // wakes at once on stop
                    continue;
                }

                using (LogSetup.SuspendConsole())
                {
                    _console.Live(Frame(config))
                        .AutoClear(false)
                        .Overflow(VerticalOverflow.Ellipsis)
                        .Start(context =>
                        {
                            while (!token.IsCancellationRequested && _config() is { Enabled: true } current)
                            {
                                context.UpdateTarget(Frame(current)); // the terminal may be resized
                                context.Refresh();
                                token.WaitHandle.WaitOne(current.RefreshInterval);
                            }
                        });
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The display is a convenience: it must never take the daemon down.
            s_logger.Error(ex, "Console display stopped on an error; the status line keeps going to the log");
        }
    }

    /// <summary>A frame that fits the terminal as it is now (one row spare: the live view's cursor line).</summary>
    private Spectre.Console.Rendering.IRenderable Frame(DisplayConfig config) =>
        DashboardRenderer.Render(_source.Build(config), _console.Profile.Width, Math.Max(1, _console.Profile.Height - 1));

    /// <summary>Stops the view (its last frame stays on screen) and gives the console back to the log.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        if (_thread.IsAlive)
        {
            _thread.Join(TimeSpan.FromSeconds(5));
        }

        _stop.Dispose();
    }
}
