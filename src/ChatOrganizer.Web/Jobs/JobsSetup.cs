using ChatOrganizer.Categorization;
using ChatOrganizer.Export;
using ChatOrganizer.Web.Security;
using ChatOrganizer.Web.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Quartz;

namespace ChatOrganizer.Web.Jobs;

internal static class JobsSetup
{
    /// <summary>
    /// Job services and Quartz. Quartz keeps its queue in a database in both modes, so a step running when
    /// the process dies runs again (<c>RequestRecovery</c>): SQLite mode keeps it in its own file in the data
    /// folder and recovers at the next start; PostgreSQL mode shares the app's database as a cluster, and
    /// another instance takes over a dead one's steps.
    /// </summary>
    public static WebApplicationBuilder AddJobs(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<JobOptions>().BindConfiguration(JobOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<JobOptions>, JobOptionsValidator>();
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddSingleton<JobQueue>();
        builder.Services.AddSingleton<JobLifecycle>();
        builder.Services.AddSingleton<JobLogWriter>();
        builder.Services.AddSingleton<UploadReceiver>();
        builder.Services.AddSingleton<UploadValidator>();
        builder.Services.AddOptions<ExportReaderOptions>().BindConfiguration(ExportReaderOptionsValidator.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ExportReaderOptions>, ExportReaderOptionsValidator>();
        builder.Services.AddSingleton<WorkItemCategorizer>();
        builder.Services.AddScoped<JobService>();
        builder.Services.AddScoped<JobEstimator>();

        // The categorization engine. OPENAI_API_KEY, OPENAI_MODEL and OPENAI_BASE_URL reach its section through
        // the configuration's aliases (ConfigurationSetup); no key at all means the offline categorizer.
        builder.Services.AddOptions<CategorizationOptions>().BindConfiguration(CategorizationOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<CategorizationOptions>, CategorizationOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<CategorizationOptions>, ServerKeySource>();
        builder.Services.AddSingleton<ICategorizationCache, StoredCategorizationCache>();
        builder.Services.AddSingleton<BatchCategorizer>();

        var storage = builder.ConfiguredStorage();
        var jobs = builder.Configuration.GetSection(JobOptions.Section).Get<JobOptions>() ?? new JobOptions();
        var folder = builder.ConfiguredDataFolder();

        builder.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler =>
            {
                // The cluster's name: every instance sharing a PostgreSQL database must use the same one.
                scheduler.InstanceName = "ChatOrganizer";
                scheduler.InstanceId = jobs.InstanceId;
                scheduler.GenerateInstanceId = jobs.InstanceId.Equals("AUTO", StringComparison.OrdinalIgnoreCase);
                // On a graceful stop, running steps are cancelled and handed back for recovery (below).
                scheduler.ShutdownJobInterruption = ShutdownJobInterruption.Always;
                scheduler.IdleWaitTime = jobs.QueuePollInterval;
            });
            quartz.UseDefaultThreadPool(jobs.Concurrency);
            quartz.UsePersistentStore(store =>
            {
                if (storage.UsesPostgres)
                {
                    store.UsePostgres(storage.NpgsqlConnectionString());
                    store.UseClustering(cluster =>
                    {
                        cluster.CheckinInterval = jobs.ClusterCheckinInterval;
                        cluster.CheckinMisfireThreshold = jobs.ClusterCheckinMisfireThreshold;
                    });
                }
                else
                {
                    store.UseSqlite(StorageSetup.SqliteConnectionString(folder.SchedulerDatabase));
                }
                store.ProvisionSchema();
                store.UseSystemTextJsonSerializer();
                store.ConfigureStore(options =>
                {
                    options.StoreJobDataAsStrings = true;
                    options.RecoverFiringsCancelledByShutdown = true;
                });
            });
            quartz.ScheduleJob<MaintenanceJob>(
                trigger => trigger.WithIdentity(MaintenanceJob.Key.Name, MaintenanceJob.Key.Group).StartNow().WithSimpleSchedule(jobs.MaintenanceInterval),
                job => job.WithIdentity(MaintenanceJob.Key));
        });
        builder.AddQuartzHostedService(options => options.WaitForJobsToComplete = false);
        return builder;
    }
}
