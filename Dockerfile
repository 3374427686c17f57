# officeflow's worker, event intake, codec endpoint and stand-ins. Chromium's headless shell comes from Debian;
# puppeteer never downloads a browser. Secrets come from the environment at run time: .dockerignore keeps .env and the
# local state folder out of the image.
FROM node:22-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium-headless-shell fonts-liberation ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV PUPPETEER_SKIP_DOWNLOAD=true CHROME_PATH=/usr/lib/chromium/chromium-headless-shell NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund
COPY . .
# The workflows bundled once at build, from this very code: workers start without bundling.
RUN node --import tsx cli/main.ts bundle --out /app/workflow-bundle.js
ENV WORKFLOW_BUNDLE=/app/workflow-bundle.js
USER node
# One process with tsx as a loader: signals reach officeflow itself, so it stops cleanly (compose adds an init
# process that reaps Chromium's children).
ENTRYPOINT ["node", "--import", "tsx", "cli/main.ts"]
CMD ["up"]
