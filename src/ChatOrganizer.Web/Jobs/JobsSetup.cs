using ChatOrganizer.Categorization;
using ChatOrganizer.Export;
using ChatOrganizer.Web.Security;
using ChatOrganizer.Web.Storage;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Common;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ChatOrganizer.Web.Jobs;

internal static class JobsSetup
{
    // Job services and Hangfire. The app's database is the truth about what is done; Hangfire's queue only says what
    // to run next. SQLite mode keeps that queue in memory (Hangfire.InMemory), refilled from the database at
    // every start; PostgreSQL mode keeps it in the same database (schema hangfire), shared by every instance,
    // and another instance takes over a dead one's step after JobOptions.TakeoverTimeout.
    public static WebApplicationBuilder AddJobs(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<JobOptions>().BindConfiguration(JobOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<JobOptions>, JobOptionsValidator>();

        builder.Services.AddSingleton<StepQueue>();
        builder.Services.AddSingleton<StepLeases>();
        builder.Services.AddSingleton<ReadsUnderWay>();
        builder.Services.AddSingleton<JobLifecycle>();
        builder.Services.AddSingleton<JobLogWriter>();
        builder.Services.AddSingleton<UploadReceiver>();
        builder.Services.AddSingleton<UploadValidator>();
        builder.Services.AddSingleton<UploadProgressRegistry>();
        builder.Services.AddOptions<ExportReaderOptions>().BindConfiguration(ExportReaderOptionsValidator.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ExportReaderOptions>, ExportReaderOptionsValidator>();
        builder.Services.AddSingleton<WorkItemCategorizer>();
        builder.Services.AddSingleton<TopicDiscovery>();
        builder.Services.AddSingleton<EarlierResults>();
        builder.Services.AddScoped<JobService>();
        builder.Services.AddScoped<JobEstimator>();
        builder.Services.AddTransient<ReadExportStep>();
        builder.Services.AddTransient<CategorizeWorkItemStep>();
        builder.Services.AddTransient<MaintenanceSweep>();

        // The categorization engine. OPENAI_API_KEY, OPENAI_MODEL and OPENAI_BASE_URL reach its section through
        // the configuration's aliases (ConfigurationSetup); no key at all means the offline categorizer.
        builder.Services.AddOptions<CategorizationOptions>().BindConfiguration(CategorizationOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<CategorizationOptions>, CategorizationOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<CategorizationOptions>, ServerKeySource>();
        builder.Services.AddSingleton<ICategorizationCache, StoredCategorizationCache>();
        // One per process: its limit on model requests in flight (Categorization:MaxConcurrency) is shared by every work item.
        builder.Services.AddSingleton<BatchCategorizer>();

        builder.AddHangfire();
        return builder;
    }

    // Hangfire keeps its defaults process-wide (JobStorage.Current, JobActivator.Current, GlobalJobFilters). Storage,
    // activator and filters are this app's own services instead, found before those defaults: the tests run several
    // apps in one process, and none may run another's steps.
    private static void AddHangfire(this WebApplicationBuilder builder)
    {
        var storage = builder.ConfiguredStorage();
        builder.Services.AddSingleton<JobStorage>(services =>
        {
            var jobs = services.GetRequiredService<IOptions<JobOptions>>().Value;
            return storage.UsesPostgres ? PostgresQueue(storage, jobs) : new InMemoryStorage(new InMemoryStorageOptions
            {
                // Never reused after a restart, unlike counted ids: an id recorded before one cannot name another step.
                IdType = InMemoryStorageIdType.Guid,
            });
        });
        builder.Services.AddSingleton<JobActivator>(services => new AspNetCoreJobActivator(services.GetRequiredService<IServiceScopeFactory>()));
        builder.Services.AddSingleton<IJobFilterProvider>(services =>
        {
            services.GetRequiredService<IGlobalConfiguration>(); // Hangfire's logging first: the filters take their loggers as they are made
            return new JobFilterProviderCollection(StepFilters(services.GetRequiredService<IOptions<JobOptions>>().Value), new JobFilterAttributeFilterProvider());
        });
        builder.Services.AddHangfire((services, configuration) =>
        {
            HangfireLogs.Provider.WriteTo(services.GetRequiredService<ILoggerFactory>());
            configuration
                .UseLogProvider(HangfireLogs.Provider)
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
        });

        // Before the job server starts: the sweep's schedule, and in SQLite mode the in-memory queue refilled.
        builder.Services.AddHostedService<QueueAtStart>();
        builder.Services.AddHangfireServer((services, server) =>
        {
            var jobs = services.GetRequiredService<IOptions<JobOptions>>().Value;
            // Hangfire adds the process id and a random part to the name itself.
            server.ServerName = jobs.InstanceId.Equals("AUTO", StringComparison.OrdinalIgnoreCase) ? Environment.MachineName : jobs.InstanceId;
            server.WorkerCount = jobs.Concurrency;
            // Retries wait in Hangfire's schedule; this is how soon a due one is noticed.
            server.SchedulePollingInterval = jobs.QueuePollInterval;
        });
    }

    private static PostgreSqlStorage PostgresQueue(StorageOptions storage, JobOptions jobs)
    {
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = "hangfire",
            PrepareSchemaIfNecessary = true,
            QueuePollInterval = jobs.QueuePollInterval,
            // A step fetched by an instance that dies is fetched again after this. Sliding: the running instance renews it
            // every fifth of it, so a step longer than the timeout is never taken from a live instance.
            InvisibilityTimeout = jobs.TakeoverTimeout,
            UseSlidingInvisibilityTimeout = true,
        };
        // Its own pool (another application name): Hangfire's install scripts set search_path on their connections.
        var connection = new NpgsqlConnectionStringBuilder(storage.NpgsqlConnectionString()) { ApplicationName = "ChatOrganizer jobs" };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(connection.ConnectionString, options), options);
    }

    // A failed step runs again after Jobs:RetryDelay, doubling, until Jobs:MaxAttempts runs; the steps themselves end
    // their job as failed, with the reason, on the last one (they count attempts in the database, crashes included).
    private static JobFilterCollection StepFilters(JobOptions jobs)
    {
        var filters = new JobFilterCollection();
        filters.Add(new AutomaticRetryAttribute
        {
            Attempts = jobs.MaxAttempts - 1,
            DelayInSecondsByAttemptFunc = jobs.RetryDelaySecondsBefore,
            OnAttemptsExceeded = AttemptsExceededAction.Fail,
        });
        filters.Add(new StatisticsHistoryAttribute());
        return filters;
    }

    // Schedules the maintenance sweep and, in SQLite mode, refills the in-memory queue: it starts empty, and this
    // instance is the only one, so every lease left in the database is from its own previous life and every unfinished
    // step is queued again.
    private sealed class QueueAtStart(
        IRecurringJobManager recurring, StepLeases leases, MaintenanceSweep sweep, DataFolder folder,
        IOptions<StorageOptions> storage, IOptions<JobOptions> options, ILogger<QueueAtStart> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            recurring.AddOrUpdate<MaintenanceSweep>(MaintenanceSweep.RecurringJobId, s => s.RunAsync(CancellationToken.None),
                $"*/{(int)options.Value.MaintenanceInterval.TotalMinutes} * * * *");
            if (storage.Value.UsesPostgres) return;
            DeleteQuartzStore();
            await leases.ReleaseAllAsync(cancellationToken);
            await sweep.RequeueLostStepsAsync(DateTime.MaxValue, cancellationToken);
        }

        // The queue of the versions that ran on Quartz: nothing reads it any more, and what it held is queued again above.
        private void DeleteQuartzStore()
        {
            foreach (var path in Directory.EnumerateFiles(folder.Root, "scheduler.db*"))
            {
                File.Delete(path);
                logger.LogInformation("Deleted {File}, the job queue of an earlier version.", Path.GetFileName(path));
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
