using Orchestrator.Daemon;

return await DaemonCli.RunAsync(args).ConfigureAwait(false);
