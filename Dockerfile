# The lab's command line as a container image, for running the jobs of a plan on machines that share a
# folder (docs/scaling.md; deploy/persona-lab-jobs.yaml runs it as a Kubernetes Indexed Job).
#   docker build -t persona-lab .
#   docker run --rm -v /shared:/shared persona-lab job /shared/plan --index 3
# Node runs the CLI directly as the container's first process, so a SIGTERM (a pod evicted) reaches the
# job, which saves a checkpoint and exits 130; the same command resumes it. The image has no git, so
# results name the code version `persona-lab@<version>+git.unknown`: plan, run and merge every job of
# one plan with this one image.
FROM node:20-bookworm-slim
WORKDIR /lab
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json ./
COPY corpora ./corpora
COPY src ./src
COPY workers ./workers
USER node
ENTRYPOINT ["node", "--import", "tsx", "src/cli/main.ts"]
CMD ["--help"]
